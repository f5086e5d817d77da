#include "review_key.h"

#include "review.h"
#include "ux_text.h"

/* A leaf key the host named by its id: the id is shown (on its own page) instead of its index. */
static bool named_by_leaf_id(const spark_key_t *key, const key_kind_info_t *info) {
    return info != NULL && info->fields == KEYREF_ACCOUNT_LEAF_ID && key->leaf_id_len > 0u;
}

void review_describe_key(ux_page_t *p, const spark_key_t *key) {
    const key_kind_info_t *info = key_kind_by_tag((uint8_t)key->kind);
    page_add_line(p, spark_key_name(key->kind));
    page_add_number(p, "Account ", key->account);
    if (info != NULL && info->depth == 4u && !named_by_leaf_id(key, info)) {
        page_add_number(p, "Index ", key->index);
    }
}

void review_add_leaf_page(const spark_key_t *key) {
    if (named_by_leaf_id(key, key_kind_by_tag((uint8_t)key->kind))) {
        ux_page_t *p = review_add_page("Leaf id");
        if (p != NULL) {
            page_add_wrapped(p, key->leaf_id, 16u);
        }
    }
}
