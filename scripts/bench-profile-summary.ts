/** `tsx scripts/bench-profile-summary.ts <file.cpuprofile> [rows]`: where a CPU profile's time goes (see scripts/bench/profile.ts). */
import { summariseProfile } from "./bench/profile.ts";

console.log(summariseProfile(process.argv[2]!, Number(process.argv[3] ?? 30)));
