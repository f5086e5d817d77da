#include "review_key.h"

#include "review.h"
#include "ux_text.h"

void review_describe_key(ux_page_t *p, const spark_key_t *key) {
    page_add_line(p, spark_key_name(key->kind));
    page_add_number(p, "Account ", key->account);
    if (key->kind == KEY_STATIC_DEPOSIT || (key->kind == KEY_LEAF && key->leaf_id_len == 0u)) {
        page_add_number(p, "Index ", key->index);
    }
}

void review_add_leaf_page(const spark_key_t *key) {
    if (key->kind == KEY_LEAF && key->leaf_id_len > 0u) {
        ux_page_t *p = review_add_page("Leaf id");
        if (p != NULL) {
            page_add_wrapped(p, key->leaf_id, 16u);
        }
    }
}
