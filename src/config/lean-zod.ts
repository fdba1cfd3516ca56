// zod without its message locales loaded up front. zod's index modules load every
// locale it ships (`z.locales`: about 60 modules of error messages in other
// languages) although only English is used (zod's own schemas load it directly):
// about 14 ms of CPU, a third of loading zod, at every command that reads a config
// (`oobd parse --config`, serve). Imported before zod, this puts a stand-in for that
// module in require's cache, whose contents load on first use: `z.locales.fr` still
// works, nothing else is changed. Once zod is loaded (by a module that did not import this one first),
// this does nothing.
import Module from 'node:module';

/** zod's module of all its locales, as zod itself requires it. */
function localesFile(): string | null {
  try {
    return require.resolve('zod/v4/locales');
  } catch {
    return null;
  }
}

const file = localesFile();
if (file !== null && require.cache[file] === undefined) {
  let loaded = false;
  const target: Record<string | symbol, unknown> = {};
  /** Loads the real module (once) and copies its exports onto the proxy's target. */
  const real = (): Record<string | symbol, unknown> => {
    if (!loaded) {
      loaded = true;
      // Module's own load (not in its typings): reads and runs the file as require does.
      const locales = new Module(file, module) as Module & { load(filename: string): void };
      locales.load(file);
      const exports = locales.exports as Record<string, unknown>;
      for (const key of Reflect.ownKeys(exports)) {
        Object.defineProperty(target, key, {
          enumerable: Object.getOwnPropertyDescriptor(exports, key)?.enumerable ?? true,
          configurable: true,
          get: () => Reflect.get(exports, key),
        });
      }
    }
    return target;
  };
  const lazy = new Proxy(target, {
    // zod's `__importStar` asks this first, and takes a module that says yes as it is.
    get: (_, key) => (key === '__esModule' && !loaded ? true : Reflect.get(real(), key)),
    has: (_, key) => Reflect.has(real(), key),
    ownKeys: () => Reflect.ownKeys(real()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(real(), key),
  });
  const stand = new Module(file, module);
  stand.filename = file;
  stand.loaded = true;
  stand.exports = lazy;
  require.cache[file] = stand;
}
