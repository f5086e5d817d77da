/* review.h - approval flows: a few content pages, then "Approve" and "Reject". The pending
 * APDU is answered by the callback when the user decides. */
#ifndef SPARK_REVIEW_H
#define SPARK_REVIEW_H
#include <stdbool.h>
#include <stdint.h>

#include "platform.h"

#define REVIEW_MAX_CONTENT 4u

typedef void (*review_cb_t)(bool approved);

/* Start building a new flow; returns NULL when REVIEW_MAX_CONTENT pages exist. */
ux_page_t *review_add_page(const char *title);
void review_reset(void);
/* Show the first page and wait; cb runs once on Approve/Reject. */
void review_start(review_cb_t cb);
bool review_active(void);
/* Button handling while active. */
void review_on_button(button_t b);
/* Drop the flow without calling the callback (defensive: a new APDU arrived). */
void review_cancel(void);
#endif
