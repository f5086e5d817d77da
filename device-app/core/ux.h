/* ux.h - the menu screens (Home, Settings, Quit) and routing of buttons to an active review. */
#ifndef SPARK_UX_H
#define SPARK_UX_H
#include <stdbool.h>

#include "platform.h"

void ux_init(void);
void ux_show_home(void);
void ux_on_button(button_t b);
bool ux_exited(void);
#endif
