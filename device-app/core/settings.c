#include "settings.h"

static bool g_blind_signing;

void settings_init(void) { g_blind_signing = false; }
bool settings_blind_signing(void) { return g_blind_signing; }
void settings_toggle_blind_signing(void) { g_blind_signing = !g_blind_signing; }
