// Parquet schema <-> logical types (in progress).
#include "common/types.h"
