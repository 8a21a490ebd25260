// Unit tests for parquet/column_reader.h: value conversions (AppendConvertedValues).
#include "parquet/column_reader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace lakewatch::parquet {
namespace {

// One INT96 record: int64 nanoseconds of the day, then int32 Julian day (little-endian).
void AppendInt96(Buffer* b, int64_t nanos, int32_t julian_day) {
  uint8_t rec[12];
  std::memcpy(rec, &nanos, 8);
  std::memcpy(rec + 8, &julian_day, 4);
  b->Append(rec, sizeof(rec));
}

std::vector<int64_t> ConvertInt96(const Buffer& data, int64_t n) {
  LeafDescriptor leaf;
  leaf.physical_type = Type::kInt96;
  leaf.type = DataType::Timestamp();
  leaf.conversion = ValueConversion::kInt96ToMicros;
  Column out(leaf.type);
  Status st = AppendConvertedValues(leaf, data, Buffer(), n, &out);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return std::vector<int64_t>(out.values<int64_t>(), out.values<int64_t>() + n);
}

TEST(ColumnReaderConversion, Int96ToMicros) {
  Buffer data;
  AppendInt96(&data, 0, 2440588);                        // 1970-01-01T00:00:00
  AppendInt96(&data, 74096123456000, 2460311);           // 2024-01-01T20:34:56.123456
  AppendInt96(&data, 86399999999999, 2440587);           // 1969-12-31T23:59:59.999999(999)
  AppendInt96(&data, 10800000000000, 5373484);           // 9999-12-31T03:00:00
  const std::vector<int64_t> got = ConvertInt96(data, 4);
  EXPECT_EQ(got[0], 0);
  EXPECT_EQ(got[1], 1704141296123456);
  EXPECT_EQ(got[2], -1);
  EXPECT_EQ(got[3], 253402225200000000);
}

// Spark writes timestamps after 2262 as INT96 through a wrapping int64-nanosecond computation,
// which leaves a negative nanos-of-day and a negative Julian day in the file. Decoding both as
// signed, in wrapping microseconds (Spark's fromJulianDay), gives back the value Spark wrote.
// The record is the 6th value of parquet-testing's int96_from_spark.parquet, whose README gives
// 9089380393200000000 us since the epoch.
TEST(ColumnReaderConversion, Int96BeyondNanosecondRangeDecodesLikeSpark) {
  Buffer data;
  AppendInt96(&data, -32509551616000, -105862232);
  EXPECT_EQ(ConvertInt96(data, 1)[0], 9089380393200000000);
}

TEST(ColumnReaderConversion, Int96GarbageDoesNotTrap) {
  Buffer data;
  AppendInt96(&data, INT64_MIN, INT32_MIN);
  AppendInt96(&data, INT64_MAX, INT32_MAX);
  EXPECT_EQ(ConvertInt96(data, 2).size(), 2u);  // any value, but no UB (checked under UBSan)
}

}  // namespace
}  // namespace lakewatch::parquet
