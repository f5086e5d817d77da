/* review_key.h - how a Spark key is described on review screens (shared by the public key and
 * FROST flows). */
#ifndef SPARK_REVIEW_KEY_H
#define SPARK_REVIEW_KEY_H
#include "platform.h"
#include "spark_keys.h"

/* Lines: key name, "Account <A>", and "Index <I>" for static deposit / path-given leaf keys. */
void review_describe_key(ux_page_t *p, const spark_key_t *key);
/* For leaf keys named by id: a "Leaf id" page with the id in lines of 16. */
void review_add_leaf_page(const spark_key_t *key);
#endif
