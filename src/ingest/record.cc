// (record.h is header-only; this file gives the ingest library a translation unit
// until the pipeline lands.)
#include "ingest/record.h"
