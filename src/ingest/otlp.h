// OTLP/JSON logs (the body of an OTLP/HTTP `v1/logs` request, or a file of
// them): one row per log record, flattened into named fields.
//
// Mapping (docs/ingest.md):
//   logRecord.timeUnixNano          -> timestamp (observedTimeUnixNano when 0 or absent)
//   logRecord.observedTimeUnixNano  -> observed_timestamp
//   severityNumber / severityText   -> severity_number / level
//   body                            -> message when a string, else body (typed scalar or JSON text)
//   attributes[k]                   -> attributes.<k>
//   traceId, spanId, flags          -> trace_id, span_id, flags
//   eventName                       -> event_name
//   droppedAttributesCount          -> dropped_attributes_count
//   resource.attributes[k]          -> resource.<k>
//   scope.name / version            -> scope.name / scope.version
//   scope.attributes[k]             -> scope.attributes.<k>
// AnyValue: stringValue -> string, boolValue -> boolean, intValue (a JSON
// string in OTLP/JSON, or a number) -> bigint, doubleValue -> double,
// bytesValue -> string (base64 as sent), arrayValue / kvlistValue -> their
// JSON text. Attribute keys with dots nest ("service.name" ->
// resource.service.name), as the flat-record contract says.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include <simdjson.h>

#include "ingest/record.h"

namespace lakewatch::ingest {

// Whether `doc` is an OTLP logs request: an object whose first key is
// `resourceLogs`, an array (the request message has no other field).
bool IsOtlpLogs(simdjson::dom::element doc);
// Whether the text of a JSON record may be one (its first key, as written,
// is "resourceLogs"); false means IsOtlpLogs is false for sure when the
// first key has no escapes.
bool MayBeOtlpLogsText(std::string_view text);

// Calls sink->OnRecord once per log record; every record gets `line` and
// `offset` (the document's position) and `raw` = the log record's JSON text.
// Returns the number of records.
int64_t OtlpLogsToRecords(simdjson::dom::element doc, int64_t line, int64_t offset, RecordSink* sink);

}  // namespace lakewatch::ingest
