import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { VitePWA } from 'vite-plugin-pwa';

const THEME = '#1652b8';

export default defineConfig({
  plugins: [
    preact(),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'sw.ts',
      // main.tsx registers /sw.js itself (no workbox-window in the bundle).
      injectRegister: false,
      registerType: 'autoUpdate',
      scope: '/',
      base: '/',
      // globPatterns below already precache the icons.
      includeAssets: [],
      includeManifestIcons: false,
      manifest: {
        id: '/',
        name: "平安巡防 Ping'an Patrol",
        short_name: '平安巡防',
        description: '巡防队员、协调员与社区民警的平安建设工具 / Neighbourhood patrol app',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: THEME,
        background_color: '#ffffff',
        icons: [
          { src: '/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        globPatterns: ['**/*.{js,css,html,svg,png}'],
        // The polygon editor (Geoman, ~75 KB gzipped) is for administrators at a desk with a
        // connection; every member's phone would otherwise download it in the background.
        globIgnores: ['**/editing-*.{js,css}'],
      },
      devOptions: { enabled: false },
    }),
  ],
  // Flask serves only top-level files of dist/ (/<name>), so the icons are
  // emitted at the root: /icon-192.png, /favicon.svg, /apple-touch-icon.png.
  publicDir: 'public/icons',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    // Low-end Android phones often run an older Chrome / WebView.
    target: ['chrome80', 'safari14', 'firefox78', 'edge88'],
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8000' },
  },
});
