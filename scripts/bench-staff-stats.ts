// Staff statistics at scale (issue 12): seeds the benchmark's applications (scripts/bench/seed.ts) plus five
// state-change events for each submitted one over a year, then times the page's three reads for the whole country and
// for one province, over a month and over a year. `tsx scripts/bench-staff-stats.ts [applications]` (PGlite in memory,
// or DATABASE_URL). Not part of `npm run bench`: a look at the plans when the queries change.
import { sql } from "kysely";
import { createTestDb } from "../test/helpers/db.ts";
import { seedBenchData } from "./bench/seed.ts";
import { countsByProvince, reviewerWorkload, stepDurations } from "~/features/statistics/queries.server.ts";

const applications = Number(process.argv[2] ?? 100_000);
const t = await createTestDb();
try {
  await seedBenchData(t.db, {
    applications,
    enterprises: Math.max(100, Math.round(applications / 5)),
    focusShare: 0.3,
    focusProvince: "79",
    reviewersPerProvince: 2,
  });
  const started = performance.now();
  await sql`alter table audit_events disable trigger user`.execute(t.db);
  // submit → take → request_changes → resubmit → forward, one to five days apart, starting anywhere in 2026.
  await sql`
    insert into audit_events (created_at, actor_user_id, actor_role, province_code, action, entity_type, entity_id, from_state, to_state, data)
    select a.start + (s.n * interval '2 days'), null, 'province_reviewer', a.province_code, 'application.' || s.action, 'application', a.id::text, s.from_state, s.to_state,
           case when s.action = 'take' then jsonb_build_object('assignee', a.assigned_to) when s.action = 'forward' then jsonb_build_object('dueAt', a.start + interval '14 days') end
    from (select id, province_code, assigned_to, timestamptz '2026-01-01' + (random() * 330) * interval '1 day' as start from applications where status <> 'draft') a
    cross join (values (0, 'submit', 'draft', 'submitted'), (1, 'take', 'submitted', 'in_provincial_review'), (2, 'request_changes', 'in_provincial_review', 'changes_requested'),
                       (3, 'resubmit', 'changes_requested', 'in_provincial_review'), (4, 'forward', 'in_provincial_review', 'forwarded')) as s(n, action, from_state, to_state)`.execute(
    t.db
  );
  await sql`alter table audit_events enable trigger user`.execute(t.db);
  await sql`vacuum analyze audit_events`.execute(t.db);
  const events = (
    await sql<{
      n: number;
    }>`select count(*)::int as n from audit_events`.execute(t.db)
  ).rows[0]!.n;
  console.log(`${applications} applications, ${events} events seeded in ${Math.round(performance.now() - started)} ms`);
  const now = new Date("2026-12-04T03:00:00Z");
  for (const provinceCode of [null, "79"]) {
    for (const period of [
      { from: "2026-11-01", to: "2026-11-30" },
      { from: "2026-01-01", to: "2026-12-04" },
    ]) {
      const q = { provinceCode, period, now };
      for (const [name, read] of [
        ["counts", countsByProvince],
        ["steps", stepDurations],
        ["workload", reviewerWorkload],
      ] as const) {
        await read(q); // warm
        const t0 = performance.now();
        await read(q);
        console.log(`${provinceCode ?? "national"} ${period.from}..${period.to} ${name}: ${Math.round(performance.now() - t0)} ms`);
      }
    }
  }
} finally {
  await t.close();
}
