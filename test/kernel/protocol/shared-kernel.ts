/** One kernel for the tests of a describe block: started before the first, shut down after the last. */
import { afterAll, beforeAll } from "vitest";
import type { KernelClient } from "../../../dist/kernel/client.js";
import { run, startKernel } from "../../helpers/kernel.js";

/**
 * Registers the block's beforeAll/afterAll; `use` receives the started kernel. `warmUp`, if given, is run
 * first (a cell that leaves the type service warm, so the tests' own cells start at once).
 * @example
 *   let k!: KernelClient;
 *   shareKernel({ cwd: fixtures }, (client) => (k = client));
 */
export function shareKernel(options: Parameters<typeof startKernel>[0], use: (k: KernelClient) => void, warmUp?: string): void {
  let k: KernelClient | undefined;
  beforeAll(async () => {
    k = await startKernel(options);
    use(k);
    if (warmUp !== undefined) await run(k, warmUp);
  });
  afterAll(async () => {
    await k?.shutdown();
  });
}
