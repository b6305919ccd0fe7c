const t0 = Date.now();
import { runPlan, startPolicyPack } from "./scripts/plan/plan";
(async () => {
  console.log("import", Date.now() - t0);
  let t = Date.now();
  const a = await startPolicyPack();
  console.log("pack start", Date.now() - t);
  for (const stack of ["production", "staging", "production", "staging"]) {
    t = Date.now();
    const r = await runPlan({ stack, analyzer: a });
    console.log(stack, Date.now() - t, "ms ok=", r.ok);
  }
  await a.close();
})().catch(e => { console.error(e); process.exit(1); });
