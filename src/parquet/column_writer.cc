// Layout of a column chunk as written here:
//   [dictionary page: PageHeader | compressed(PLAIN distinct values)]   (optional)
//   data page: PageHeader | compressed(
//                 rep levels: u32 LE length | RLE hybrid   (when max_rep > 0)
//                 def levels: u32 LE length | RLE hybrid   (when max_def > 0)
//                 values: RLE_DICTIONARY (u8 bit width | RLE hybrid of indices)
//                         or PLAIN)
//   ... more data pages; every page starts at a record boundary.
#include "parquet/column_writer.h"

#include <cstring>
#include <utility>

#include "parquet/bit_util.h"
#include "parquet/delta_encoding.h"
#include "parquet/plain_encoding.h"
#include "parquet/rle_encoding.h"

namespace lakewatch::parquet {

ColumnWriter::ColumnWriter(const LeafDescriptor& leaf, const WriterOptions& options)
    : leaf_(leaf), options_(options), width_(leaf.PhysicalByteWidth()), page_stats_(leaf),
      dict_(leaf.PhysicalByteWidth()), stats_(leaf), page_index_(leaf) {
  if (!options_.dictionary || leaf_.physical_type == Type::kBoolean) dict_state_ = DictState::kOff;
  page_offsets_.AppendValue<int64_t>(0);
}

void ColumnWriter::AppendPhysical(const Column& v, int64_t begin, int64_t end) {
  const int64_t n = end - begin;
  if (n <= 0) return;
  switch (v.type->id()) {
    case TypeId::kString:
    case TypeId::kBinary: {
      const int64_t* o = v.offset_values();
      int64_t base = static_cast<int64_t>(page_values_.size()) - o[begin];
      page_values_.Append(v.data.data() + o[begin], o[end] - o[begin]);
      size_t ob = page_offsets_.size();
      page_offsets_.Resize(ob + n * sizeof(int64_t));
      int64_t* dst = reinterpret_cast<int64_t*>(page_offsets_.data() + ob);
      for (int64_t i = 0; i < n; ++i) dst[i] = o[begin + i + 1] + base;
      return;
    }
    case TypeId::kInt8:
    case TypeId::kInt16: {
      size_t base = page_values_.size();
      page_values_.Resize(base + n * 4);
      int32_t* dst = reinterpret_cast<int32_t*>(page_values_.data() + base);
      if (v.type->id() == TypeId::kInt8) {
        for (int64_t i = 0; i < n; ++i) dst[i] = v.Value<int8_t>(begin + i);
      } else {
        for (int64_t i = 0; i < n; ++i) dst[i] = v.Value<int16_t>(begin + i);
      }
      return;
    }
    case TypeId::kDecimal: {
      const __int128* src = v.values<__int128>() + begin;
      size_t base = page_values_.size();
      page_values_.Resize(base + n * width_);
      uint8_t* dst = page_values_.data() + base;
      if (leaf_.physical_type == Type::kInt32) {
        for (int64_t i = 0; i < n; ++i) reinterpret_cast<int32_t*>(dst)[i] = static_cast<int32_t>(src[i]);
      } else if (leaf_.physical_type == Type::kInt64) {
        for (int64_t i = 0; i < n; ++i) reinterpret_cast<int64_t*>(dst)[i] = static_cast<int64_t>(src[i]);
      } else {
        for (int64_t i = 0; i < n; ++i) {
          unsigned __int128 x = static_cast<unsigned __int128>(src[i]);
          for (int b = width_ - 1; b >= 0; --b) {
            dst[i * width_ + b] = static_cast<uint8_t>(x & 0xFF);
            x >>= 8;
          }
        }
      }
      return;
    }
    default: {
      const int w = v.type->byte_width();
      page_values_.Append(v.data.data() + begin * w, static_cast<size_t>(n) * w);
      return;
    }
  }
}

void ColumnWriter::DecideDictionary() {
  if (dict_state_ != DictState::kTrying) return;
  // Dictionary pays when values repeat; give up on mostly-distinct columns.
  if (dict_.size() * 2 > chunk_values_ + page_count_values_ && dict_.size() > 64) {
    dict_state_ = DictState::kOff;
    dict_.Clear();
    NextPageStamp();
    page_indices_.Clear();
  } else {
    dict_state_ = DictState::kOn;
  }
}

void ColumnWriter::NextPageStamp() {
  if (++page_stamp_ == 0) {  // wrapped: no entry may look seen by the next page
    std::fill(page_seen_.begin(), page_seen_.end(), 0);
    page_stamp_ = 1;
  }
}

Status ColumnWriter::Write(const LeafData& batch) {
  const int64_t n = batch.num_entries;
  const int16_t* rep = leaf_.max_rep > 0 ? batch.rep_levels.data_as<int16_t>() : nullptr;
  const int16_t* def = leaf_.max_def > 0 && !batch.all_defined ? batch.def_levels.data_as<int16_t>() : nullptr;
  const Column& values = *batch.values;
  // Appends `count` levels of max_def to the open page's materialized levels.
  auto append_defined = [&](int64_t count) {
    const size_t at = page_def_.size();
    page_def_.Resize(at + static_cast<size_t>(count) * sizeof(int16_t));
    std::fill_n(reinterpret_cast<int16_t*>(page_def_.data() + at), count, leaf_.max_def);
  };
  constexpr int64_t kSegment = 4096;
  int64_t e = 0, vi = 0;
  while (e < n) {
    // Segments end where the page reaches page_max_entries (or at records' ends, below).
    const int64_t room = std::max<int64_t>(1, options_.page_max_entries - page_entries_);
    int64_t end = std::min(n, e + std::min(kSegment, room));
    if (rep != nullptr) {
      while (end < n && rep[end] != 0) ++end;  // pages end at record boundaries
    }
    const int64_t seg = end - e;
    int64_t nv = seg;
    if (def != nullptr) {
      nv = 0;
      for (int64_t i = e; i < end; ++i) nv += def[i] == leaf_.max_def;
      if (nv != seg && page_def_full_) {  // the page's first null: its levels so far, then these
        append_defined(page_entries_);
        page_def_full_ = false;
      }
      if (!page_def_full_) page_def_.Append(def + e, seg * sizeof(int16_t));
    } else if (leaf_.max_def > 0 && !page_def_full_) {
      append_defined(seg);
    }
    if (rep != nullptr) {
      page_rep_.Append(rep + e, seg * sizeof(int16_t));
      for (int64_t i = e; i < end; ++i) page_rows_ += rep[i] == 0;
    } else {
      page_rows_ += seg;
    }
    if (vi + nv > values.length) {
      return Status::Internal("column '" + leaf_.DottedPath() + "': levels define more values than given");
    }
    const size_t phys_before = page_values_.size();
    const int64_t offsets_before = static_cast<int64_t>(page_offsets_.size() / sizeof(int64_t)) - 1;
    AppendPhysical(values, vi, vi + nv);
    const bool dict_on = dict_state_ != DictState::kOff && nv > 0;
    const bool string_bounds_from_dict =
        dict_on && width_ == 0 && (values.type->id() == TypeId::kString || values.type->id() == TypeId::kBinary);
    if (!string_bounds_from_dict) page_stats_.Update(values, vi, vi + nv);
    page_stats_.AddNulls(seg - nv);
    if (dict_on) {
      size_t ib = page_indices_.size();
      page_indices_.Resize(ib + nv * sizeof(uint32_t));
      uint32_t* idx = reinterpret_cast<uint32_t*>(page_indices_.data() + ib);
      if (width_ == 0) {
        dict_.PutBytes(page_values_.data(), page_offsets_.data_as<int64_t>(), offsets_before,
                       offsets_before + nv, idx);
      } else {
        dict_.PutFixed(page_values_.data() + phys_before, nv, idx);
      }
      if (string_bounds_from_dict) {
        // The same bounds as over every value, from each distinct value once.
        page_seen_.resize(static_cast<size_t>(dict_.size()), 0);
        page_distinct_.clear();
        for (int64_t k = 0; k < nv; ++k) {
          if (page_seen_[idx[k]] != page_stamp_) {
            page_seen_[idx[k]] = page_stamp_;
            page_distinct_.push_back(dict_.BytesEntry(idx[k]));
          }
        }
        page_stats_.UpdateStrings(page_distinct_.data(), static_cast<int64_t>(page_distinct_.size()));
      }
    }
    vi += nv;
    page_entries_ += seg;
    page_count_values_ += nv;
    e = end;
    if (dict_state_ == DictState::kTrying && chunk_values_ + page_count_values_ >= 16384) DecideDictionary();
    bool dict_full = dict_state_ == DictState::kOn &&
                     static_cast<int64_t>(dict_.plain_bytes()) > options_.dictionary_bytes_limit;
    if (dict_full || static_cast<int64_t>(page_values_.size()) >= options_.page_bytes ||
        page_entries_ >= options_.page_max_entries) {
      LW_RETURN_IF_ERROR(FlushPage());
      if (dict_full) dict_state_ = DictState::kOff;  // keep the dictionary page; PLAIN from here on
    }
  }
  return Status::OK();
}

Status ColumnWriter::AppendPage(PageType type, Encoding encoding, int32_t num_values,
                                const Buffer& body, Buffer* dst) {
  const Buffer* payload = &body;
  if (options_.compression != Codec::kUncompressed) {
    compressed_.Clear();
    LW_RETURN_IF_ERROR(Compress(options_.compression, body.data(), body.size(),
                                options_.compression_level, &compressed_));
    payload = &compressed_;
  }
  PageHeader h;
  h.type = type;
  h.uncompressed_page_size = static_cast<int32_t>(body.size());
  h.compressed_page_size = static_cast<int32_t>(payload->size());
  if (type == PageType::kDictionaryPage) {
    DictionaryPageHeader dh;
    dh.num_values = num_values;
    dh.encoding = Encoding::kPlain;
    h.dictionary_page_header = dh;
  } else {
    DataPageHeader dh;
    dh.num_values = num_values;
    dh.encoding = encoding;
    dh.definition_level_encoding = Encoding::kRle;
    dh.repetition_level_encoding = Encoding::kRle;
    h.data_page_header = dh;
  }
  header_.clear();
  SerializePageHeader(h, &header_);
  dst->Append(header_);
  dst->Append(payload->data(), payload->size());
  uncompressed_bytes_ += static_cast<int64_t>(header_.size() + body.size());
  return Status::OK();
}

Status ColumnWriter::FlushPage() {
  if (page_entries_ == 0) return Status::OK();
  if (page_entries_ > INT32_MAX) return Status::Internal("page with more than 2^31 entries");
  DecideDictionary();
  scratch_.Clear();
  if (leaf_.max_rep > 0) {
    EncodeLengthPrefixedRle(page_rep_.data_as<int16_t>(), page_entries_, BitWidthOf(leaf_.max_rep), &scratch_);
  }
  if (leaf_.max_def > 0) {
    const int bw = BitWidthOf(leaf_.max_def);
    if (page_def_full_) {
      EncodeLengthPrefixedRun(static_cast<uint32_t>(leaf_.max_def), page_entries_, bw, &scratch_);
    } else {
      EncodeLengthPrefixedRle(page_def_.data_as<int16_t>(), page_entries_, bw, &scratch_);
    }
  }
  Encoding enc;
  const bool use_dict = dict_state_ != DictState::kOff &&
                        static_cast<int64_t>(page_indices_.size() / 4) == page_count_values_;
  if (use_dict) {
    enc = Encoding::kRleDictionary;
    int bw = BitWidthOf(dict_.size() > 0 ? static_cast<uint64_t>(dict_.size() - 1) : 0);
    scratch_.PushByte(static_cast<uint8_t>(bw));
    RleBitPackedEncoder rle(bw);
    rle.PutBatch(page_indices_.data_as<uint32_t>(), page_count_values_);
    rle.Flush(&scratch_);
    dict_used_ = true;
    ++dict_pages_count_;
  } else {
    enc = Encoding::kPlain;
    if (width_ == 0) {
      EncodePlainByteArray(page_values_.data(), page_offsets_.data_as<int64_t>() + 1, 0,
                           page_count_values_, &scratch_);
    } else if (leaf_.physical_type == Type::kBoolean) {
      EncodePlainBoolean(page_values_.data(), page_count_values_, &scratch_);
    } else if (options_.delta_integers &&
               (leaf_.physical_type == Type::kInt32 || leaf_.physical_type == Type::kInt64) &&
               EncodeDeltaIfSmaller()) {
      enc = Encoding::kDeltaBinaryPacked;
    } else {
      scratch_.Append(page_values_.data(), page_values_.size());
    }
    if (enc == Encoding::kPlain) {
      ++plain_pages_count_;
    } else {
      ++delta_pages_count_;
    }
  }
  const int64_t page_start = static_cast<int64_t>(pages_.size());
  LW_RETURN_IF_ERROR(AppendPage(PageType::kDataPage, enc, static_cast<int32_t>(page_entries_), scratch_, &pages_));
  if (options_.page_index) {
    page_index_.AddPage(page_start, static_cast<int64_t>(pages_.size()) - page_start, chunk_rows_,
                        page_count_values_, page_stats_);
  }
  stats_.Merge(page_stats_);
  page_stats_.Reset();
  NextPageStamp();
  chunk_entries_ += page_entries_;
  chunk_values_ += page_count_values_;
  chunk_rows_ += page_rows_;
  page_rows_ = 0;
  page_rep_.Clear();
  page_def_.Clear();
  page_def_full_ = true;
  page_values_.Clear();
  page_offsets_.Clear();
  page_offsets_.AppendValue<int64_t>(0);
  page_indices_.Clear();
  page_entries_ = 0;
  page_count_values_ = 0;
  return Status::OK();
}

bool ColumnWriter::EncodeDeltaIfSmaller() {
  // Sorted or slowly changing integers (timestamps, ids, line numbers) pack
  // into a few bits per value; random ones do not, and stay PLAIN.
  delta_scratch_.Clear();
  if (leaf_.physical_type == Type::kInt32) {
    DeltaBinaryPackedEncoder<int32_t> enc;
    enc.PutBatch(page_values_.data_as<int32_t>(), page_count_values_);
    enc.Flush(&delta_scratch_);
  } else {
    DeltaBinaryPackedEncoder<int64_t> enc;
    enc.PutBatch(page_values_.data_as<int64_t>(), page_count_values_);
    enc.Flush(&delta_scratch_);
  }
  if (delta_scratch_.size() * 4 > page_values_.size() * 3) return false;  // saves < 25%
  scratch_.Append(delta_scratch_.data(), delta_scratch_.size());
  return true;
}

Status ColumnWriter::FinishChunk(ColumnChunkOutput* out) {
  LW_RETURN_IF_ERROR(FlushPage());
  out->bytes.Clear();
  ColumnMetaData& m = out->meta;
  m = ColumnMetaData();
  m.type = leaf_.physical_type;
  m.path_in_schema = leaf_.path;
  m.codec = static_cast<CompressionCodec>(options_.compression);
  m.num_values = chunk_entries_;
  std::vector<PageEncodingStats> enc_stats;
  if (dict_used_) {
    out->bytes.Clear();
    scratch_.Clear();
    dict_.WritePlain(&scratch_);
    LW_RETURN_IF_ERROR(AppendPage(PageType::kDictionaryPage, Encoding::kPlain,
                                  static_cast<int32_t>(dict_.size()), scratch_, &out->bytes));
    m.dictionary_page_offset = 0;
    enc_stats.push_back({PageType::kDictionaryPage, Encoding::kPlain, 1});
    m.data_page_offset = static_cast<int64_t>(out->bytes.size());
    out->bytes.Append(pages_.data(), pages_.size());
  } else {
    // The data pages are the whole chunk: hand them over without a copy, and keep
    // out's previous buffer (and its capacity) for the next chunk's pages.
    m.data_page_offset = 0;
    std::swap(out->bytes, pages_);
  }
  m.total_compressed_size = static_cast<int64_t>(out->bytes.size());
  m.total_uncompressed_size = uncompressed_bytes_;
  m.encodings.push_back(Encoding::kRle);
  if (dict_used_) m.encodings.push_back(Encoding::kRleDictionary);
  if (plain_pages_count_ > 0 || dict_used_) m.encodings.push_back(Encoding::kPlain);
  if (delta_pages_count_ > 0) m.encodings.push_back(Encoding::kDeltaBinaryPacked);
  if (dict_pages_count_ > 0) enc_stats.push_back({PageType::kDataPage, Encoding::kRleDictionary, dict_pages_count_});
  if (plain_pages_count_ > 0) enc_stats.push_back({PageType::kDataPage, Encoding::kPlain, plain_pages_count_});
  if (delta_pages_count_ > 0) {
    enc_stats.push_back({PageType::kDataPage, Encoding::kDeltaBinaryPacked, delta_pages_count_});
  }
  m.encoding_stats = std::move(enc_stats);
  m.statistics = stats_.ToStatistics();
  if (options_.page_index) {
    page_index_.Finish(m.data_page_offset, &out->offset_index.emplace(), &out->column_index);
  } else {
    out->offset_index.reset();
    out->column_index.reset();
  }

  // reset for the next row group
  pages_.Clear();
  dict_.Clear();
  NextPageStamp();  // entry numbers start over
  dict_used_ = false;
  dict_state_ = (!options_.dictionary || leaf_.physical_type == Type::kBoolean) ? DictState::kOff
                                                                                : DictState::kTrying;
  chunk_entries_ = chunk_values_ = chunk_rows_ = uncompressed_bytes_ = 0;
  dict_pages_count_ = plain_pages_count_ = delta_pages_count_ = 0;
  stats_.Reset();
  return Status::OK();
}

}  // namespace lakewatch::parquet
