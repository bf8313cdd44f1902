import { pathToFileURL } from 'node:url';

/** Runs an example's `main` when its file is executed directly (`node examples/x.js`). */
export function runIfMain(meta, main) {
  if (process.argv[1] !== undefined && meta.url === pathToFileURL(process.argv[1]).href) {
    main(console.log).catch((error) => {
      console.error(error);
      process.exitCode = 1;
    });
  }
}
