// Outside Next (Vitest, tsx scripts) `server-only` throws on import; tests alias it to this empty module.
export {};
