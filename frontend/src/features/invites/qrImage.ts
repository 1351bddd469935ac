/**
 * A picture of the invite for group chats: the QR code on white with the team's name and a
 * line saying what to do, as a PNG. Drawn on a canvas from the server's SVG.
 */
export async function inviteQrPng(svg: string, lines: string[]): Promise<Blob> {
  const size = 640;
  const margin = 48;
  const lineHeight = 52;
  const canvas = document.createElement('canvas');
  canvas.width = size + margin * 2;
  canvas.height = size + margin * 2 + lines.length * lineHeight + margin / 2;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no canvas');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);

  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    context.imageSmoothingEnabled = false; // keep the modules crisp
    context.drawImage(image, margin, margin, size, size);
  } finally {
    URL.revokeObjectURL(url);
  }

  context.fillStyle = '#161b26';
  context.textAlign = 'center';
  context.textBaseline = 'top';
  lines.forEach((line, index) => {
    context.font = `${index === 0 ? 700 : 400} ${index === 0 ? 40 : 32}px system-ui, 'Noto Sans CJK SC', 'PingFang SC', sans-serif`;
    context.fillText(line, canvas.width / 2, size + margin + 12 + index * lineHeight, canvas.width - margin);
  });

  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('no PNG'))), 'image/png'));
}

/** Share the picture where the phone can (WeChat and others appear there), else download it. */
export async function shareOrDownload(blob: Blob, filename: string): Promise<'shared' | 'downloaded'> {
  const file = new File([blob], filename, { type: 'image/png' });
  if (typeof navigator.canShare === 'function' && navigator.canShare({ files: [file] })) {
    await navigator.share({ files: [file] });
    return 'shared';
  }
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  return 'downloaded';
}
