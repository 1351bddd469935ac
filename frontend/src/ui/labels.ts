/**
 * "Team (community)" unless the team's name already says its community, as most do
 * ("北三里社区巡防队"): repeating it only makes pickers truncate.
 */
export function teamLabel(team: { name: string }, unit: { name: string }, format: (team: string, unit: string) => string): string {
  return team.name.includes(unit.name) ? team.name : format(team.name, unit.name);
}

/** +8613800000004 → 138 0000 0004 (easier to read aloud and to check). */
export function formatPhone(phone: string): string {
  const m = /^(?:\+86)?(1\d{2})(\d{4})(\d{4})$/.exec(phone);
  return m ? `${m[1]} ${m[2]} ${m[3]}` : phone;
}
