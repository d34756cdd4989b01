// The `fleet` command as one ES module (dist/cli/main.js, replacing tsc's output of that file) plus
// a chunk per command, loaded when the command runs. Node loads one file far faster than the few
// hundred modules of src/ and the packages they import; `fleet --version` then costs little more than
// starting node. The library (dist/index.js) and the other tsc outputs stay as they are.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('dist/cli/chunks', { recursive: true, force: true });
await build({
  entryPoints: { main: 'src/cli/main.ts' },
  outdir: 'dist/cli',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ssh2 loads its compiled crypto binding relative to its own files; the pipeline's packages are
  // never reached from the command line but must not be inlined if they ever are.
  external: ['ssh2', 'cpu-features', 'bullmq', 'ioredis', 'sharp', 'fastify', '@fastify/*', '@huggingface/transformers', 'onnxruntime-node'],
  // The bundled CommonJS packages (yaml's peers, handlebars, commander...) call require and read
  // __dirname, which an ES module lacks.
  banner: {
    js: [
      "import { createRequire as __fleetCreateRequire } from 'node:module';",
      "import { fileURLToPath as __fleetFileURLToPath } from 'node:url';",
      "import { dirname as __fleetDirname } from 'node:path';",
      'const require = __fleetCreateRequire(import.meta.url);',
      'const __filename = __fleetFileURLToPath(import.meta.url);',
      'const __dirname = __fleetDirname(__filename);',
    ].join(' '),
  },
  logLevel: 'warning',
});
