// Delta Lake log actions: JSON parsing and serialization (see actions.h).
#include "delta/actions.h"
