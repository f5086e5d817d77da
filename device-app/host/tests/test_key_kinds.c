/* The key kind table (core/key_kinds.c): its shape, and PROTOCOL.md's KEYREF table agreeing
 * with it row by row, so the document cannot drift from what the device does. */
#include <stdio.h>
#include <stdlib.h>

#include "core_includes.h"
#include "key_kinds.h"
#include "test.h"

#ifndef PROTOCOL_MD_PATH
#error "PROTOCOL_MD_PATH must name device-app/PROTOCOL.md (host Makefile)"
#endif

static void test_table_shape(void) {
    for (uint32_t k = 0; k < KEY_KINDS_N; k++) {
        const key_kind_info_t *info = &KEY_KINDS[k];
        CHECK_EQ_U(info->kind, k);
        CHECK(key_kind_by_tag((uint8_t)k) == info);
        CHECK(info->depth == 3u || info->depth == 4u);
        /* a path shape names one kind only, so an explicit path resolves unambiguously */
        CHECK(key_kind_by_path(info->depth, info->branch) == info);
        /* only kinds with an index element carry an index in their KEYREF */
        CHECK((info->depth == 4u) == (info->fields != KEYREF_ACCOUNT));
        CHECK(info->name != NULL && strlen(info->name) > 0u && strlen(info->name) <= UX_LINE_CHARS);
        CHECK((info->named_by & KEY_USE_GET_PUBLIC_KEY) != 0u);
    }
    CHECK(key_kind_by_tag(KEY_EXPLICIT_PATH) == NULL);
    CHECK(key_kind_by_tag(0xFFu) == NULL);
    CHECK(key_kind_by_path(3u, 3u) == NULL);
    CHECK(key_kind_by_path(4u, 0u) == NULL);
    CHECK(key_kind_by_path(5u, 1u) == NULL);
    /* each command that derives a key from an account derives exactly one kind */
    for (uint32_t bit = 0; bit < 8u; bit++) {
        unsigned n = 0;
        for (uint32_t k = 0; k < KEY_KINDS_N; k++) {
            n += (KEY_KINDS[k].used_by >> bit) & 1u;
        }
        CHECK(n <= 1u);
    }
}

static const char *const COMMAND_NAMES[8] = {
    "GET_PUBLIC_KEY", "SIGN_IDENTITY", "FROST_SIGN", "HTLC_HMAC",
    "EXPORT_STATIC_KEY", "ECIES_PUBLIC_KEY", "KEY_SPLIT", "SIGN_EXIT_SWEEP",
};

/* "GET_PUBLIC_KEY, FROST_SIGN" for a KEY_USE_* mask, "—" for none. */
static void commands_text(uint8_t mask, char *out, size_t cap) {
    out[0] = '\0';
    for (uint32_t bit = 0; bit < 8u; bit++) {
        if ((mask >> bit) & 1u) {
            if (out[0] != '\0') {
                strncat(out, ", ", cap - strlen(out) - 1u);
            }
            strncat(out, COMMAND_NAMES[bit], cap - strlen(out) - 1u);
        }
    }
    if (out[0] == '\0') {
        strncat(out, "—", cap - 1u);
    }
}

static const char *fields_text(keyref_fields_t f) {
    switch (f) {
    case KEYREF_ACCOUNT_INDEX:
        return "account u32, index u32 (< 2^31)";
    case KEYREF_ACCOUNT_LEAF_ID:
        return "account u32, len u8 (1..64), leafId[len]";
    case KEYREF_ACCOUNT:
    default:
        return "account u32";
    }
}

#define MAX_CELLS 8

/* Splits "| a | b |" into trimmed cells (in place); returns the number of cells. */
static unsigned split_row(char *line, char *cells[MAX_CELLS]) {
    unsigned n = 0;
    char *p = strchr(line, '|');
    while (p != NULL && n < MAX_CELLS) {
        char *start = p + 1;
        char *end = strchr(start, '|');
        if (end == NULL) {
            break;
        }
        *end = '\0';
        while (*start == ' ') {
            start++;
        }
        char *last = end;
        while (last > start && last[-1] == ' ') {
            last--;
        }
        *last = '\0';
        cells[n++] = start;
        p = end;
    }
    return n;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    static char buf[1u << 17];
    size_t n = fread(buf, 1, sizeof buf - 1u, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

static void test_protocol_md_matches_table(void) {
    char *doc = read_file(PROTOCOL_MD_PATH);
    CHECK(doc != NULL);
    if (doc == NULL) {
        return;
    }
    char *section = strstr(doc, "## Key references (KEYREF)");
    CHECK(section != NULL);
    if (section == NULL) {
        return;
    }
    char *end = strstr(section + 3, "\n## ");
    if (end != NULL) {
        *end = '\0';
    }
    bool seen[KEY_KINDS_N + 1u] = {false};
    unsigned rows = 0;
    for (char *line = strtok(section, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        if (strncmp(line, "| 0x", 4) != 0) {
            continue;
        }
        char *cells[MAX_CELLS];
        unsigned n = split_row(line, cells);
        CHECK_EQ_U(n, 7u);
        if (n != 7u) {
            continue;
        }
        rows++;
        unsigned long tag = strtoul(cells[0], NULL, 16);
        if (tag == KEY_EXPLICIT_PATH) {
            seen[KEY_KINDS_N] = true;
            continue;
        }
        const key_kind_info_t *info = key_kind_by_tag((uint8_t)tag);
        CHECK(tag < KEY_KINDS_N && info != NULL);
        if (tag >= KEY_KINDS_N || info == NULL) {
            fprintf(stderr, "  PROTOCOL.md names a key kind 0x%02lx the device does not have\n", tag);
            continue;
        }
        seen[tag] = true;
        char expect[160];
        if (info->depth == 3u) {
            snprintf(expect, sizeof expect, "m/8797555'/A'/%u'", (unsigned)info->branch);
        } else {
            snprintf(expect, sizeof expect, "m/8797555'/A'/%u'/%s'", (unsigned)info->branch,
                     info->fields == KEYREF_ACCOUNT_LEAF_ID ? "L" : "I");
        }
#define CHECK_CELL(i, want)                                                                         \
    do {                                                                                            \
        if (strcmp(cells[i], (want)) != 0) {                                                        \
            g_checks_failed_in_test++;                                                              \
            fprintf(stderr, "  FAIL PROTOCOL.md kind 0x%02lx column %u: \"%s\", the device has \"%s\"\n", \
                    tag, (unsigned)(i), cells[i], (want));                                          \
        }                                                                                           \
    } while (0)
        CHECK_CELL(2, fields_text(info->fields));
        CHECK_CELL(3, expect);
        snprintf(expect, sizeof expect, "`%s`", info->name);
        CHECK_CELL(4, expect);
        commands_text(info->named_by, expect, sizeof expect);
        CHECK_CELL(5, expect);
        commands_text(info->used_by, expect, sizeof expect);
        CHECK_CELL(6, expect);
#undef CHECK_CELL
    }
    CHECK_EQ_U(rows, KEY_KINDS_N + 1u);
    for (uint32_t k = 0; k <= KEY_KINDS_N; k++) {
        CHECK(seen[k]);
    }
}

/* What policy, derivation and display make of each kind is what the table says. */
static void test_readers_follow_table(void) {
    for (uint32_t k = 0; k < KEY_KINDS_N; k++) {
        const key_kind_info_t *info = &KEY_KINDS[k];
        spark_key_t key = spark_key_of(info->kind, 7u, 42u);
        CHECK_EQ_U(key.depth, info->depth);
        CHECK_EQ_U(key.path[0], SPARK_PURPOSE | HARDENED);
        CHECK_EQ_U(key.path[1], 7u | HARDENED);
        CHECK_EQ_U(key.path[2], info->branch | HARDENED);
        spark_key_t back;
        CHECK_EQ_U(key_policy_check_path(key.path, key.depth, &back), SW_OK);
        CHECK_EQ_U(back.kind, info->kind);
        CHECK(strcmp(spark_key_name(info->kind), info->name) == 0);
        CHECK_EQ_U(key_policy_frost_allowed(&key), (info->named_by & KEY_USE_FROST_SIGN) != 0u);
        CHECK_EQ_U(key_policy_named_by(&key, KEY_USE_SIGN_EXIT_SWEEP),
                   (info->named_by & KEY_USE_SIGN_EXIT_SWEEP) != 0u ? SW_OK : SW_PATH_REFUSED);
    }
    CHECK(strcmp(spark_key_name(KEY_EXPLICIT_PATH), "Key") == 0);
}

void suite_key_kinds(void) {
    RUN(test_table_shape);
    RUN(test_protocol_md_matches_table);
    RUN(test_readers_follow_table);
}
