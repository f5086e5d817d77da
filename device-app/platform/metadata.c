/* metadata.c - the "ledger.*" ELF sections Speculos reads through ledgered (docs/speculos.md,
 * section "Metadata sections").
 * Values are NOT NUL-terminated (Speculos int()s them after strip()); only known keys may exist
 * (an unknown ledger.* key crashes Speculos). The linker script keeps them as non-loaded INFO
 * sections. API_LEVEL comes from the Makefile, name and version from the core's protocol.h. */
#ifdef SPARK_STUB_CORE
#define META_APP_NAME "Spark Signer (stub)"
#define META_APP_VERSION "0.0.0"
#else
#include "protocol.h"
#define META_APP_NAME APP_NAME
#define META_APP_VERSION APP_VERSION_STR
#endif

#define META(name, value) \
    __attribute__((section("ledger." #name), used)) const char ledger_##name[sizeof(value) - 1u] = value

META(api_level, API_LEVEL);
META(target, LEDGER_TARGET); /* from the Makefile: "nanos2" (= Speculos nanosp) or "nanox" */
META(app_name, META_APP_NAME);
META(app_version, META_APP_VERSION);
