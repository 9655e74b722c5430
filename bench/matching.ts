import { FEBRL_TASKS, runFebrl } from './matching/febrl.js';

for (const [task, files] of FEBRL_TASKS) {
  const r = await runFebrl(task, files);
  console.log(JSON.stringify(r));
}
