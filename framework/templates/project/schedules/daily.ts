import { defineSchedule } from '@wharf/framework';

// Every day at 09:00 PST (17:00 UTC all year): load yesterday if the source has it,
// otherwise check again every hour for 12 hours, then record the day as "no data".
export default defineSchedule({
  kind: 'daily',
  name: 'daily_9am',
  at: '09:00',
  retryEvery: '1h',
  cutoff: '12h',
});
