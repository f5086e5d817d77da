/* settings.h - user settings. Kept in RAM: blind signing is off at every app start (the safe
 * default; persisting it in NVM is a later issue). */
#ifndef SPARK_SETTINGS_H
#define SPARK_SETTINGS_H
#include <stdbool.h>

void settings_init(void);
bool settings_blind_signing(void);
void settings_toggle_blind_signing(void);
#endif
