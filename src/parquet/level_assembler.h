// Record assembly: turns the (repetition level, definition level, dense
// values) streams of Parquet leaf columns into nested lakewatch Columns
// (structs, lists, maps with their validity and offsets), following the
// Dremel encoding the Parquet format uses.
//
// Terms. Each leaf has entries e = 0..n-1 with levels r[e], d[e]. A node of the
// output tree lives in a "scope": the innermost enclosing list/map element, or
// the record at top level. A scope is the pair (scope_rep, scope_def); the
// node's instances ("slots") are the entries with r <= scope_rep and
// d >= scope_def of any leaf below it (top level: r == 0). A node is non-null
// in a slot when d >= def_present. A list/map node opens the scope
// (rep_elem, def_elem) for its elements.
//
// Thread-safety: an assembler is used by one thread; leaves are read-only.
#pragma once

#include <cstdint>
#include <vector>

#include "common/buffer.h"
#include "common/column.h"
#include "common/status.h"

namespace lakewatch::parquet {

// The decoded content of one column chunk (or the pages read so far).
struct LeafData {
  int16_t max_def = 0;
  int16_t max_rep = 0;
  int64_t num_entries = 0;
  Buffer def_levels;  // int16_t per entry; empty when max_def == 0 or all_defined
  // Every entry's d == max_def, and def_levels is left empty: a flat leaf
  // without nulls is then neither filled with levels nor checked entry by
  // entry. Set by ColumnChunkReader::ReadAll(out, true) for the LevelAssembler,
  // and by the writer for a flat column without nulls (ColumnWriter::Write).
  bool all_defined = false;
  Buffer rep_levels;  // int16_t per entry; empty when max_rep == 0
  ColumnPtr values;   // dense: only entries with d == max_def have a value; no nulls
};

// One node of the output tree and the level thresholds that locate it.
struct FieldPlan {
  enum class Kind { kLeaf, kStruct, kList, kMap };
  Kind kind = Kind::kLeaf;
  Field field;              // output name, type and nullability
  int16_t def_present = 0;  // d >= def_present: the node is non-null in a slot
  int16_t rep_elem = 0;     // list/map: element scope
  int16_t def_elem = 0;
  int leaf = -1;            // kLeaf: index into the leaves vector
  int first_leaf = -1;      // first leaf below this node (itself for a leaf)
  std::vector<FieldPlan> children;  // struct: fields; list: [element]; map: [key, value]
};

class LevelAssembler {
 public:
  // `leaves` must outlive the assembler; leaves[i] feeds FieldPlans with leaf == i.
  explicit LevelAssembler(const std::vector<LeafData>* leaves) : leaves_(leaves) {}

  // Assembles a top-level field. Fails with Corrupt when the levels are
  // inconsistent (levels out of range, sibling leaves disagreeing on the number
  // of values, a first repetition level that is not 0).
  Result<ColumnPtr> AssembleTop(const FieldPlan& plan);

 private:
  struct Slots {
    bool identity = false;       // every entry is a slot (flat top-level leaf)
    int64_t count = 0;
    std::vector<int64_t> index;  // entry index of each slot, when !identity
    int64_t at(int64_t i) const { return identity ? i : index[i]; }
  };
  Slots ComputeSlots(int leaf, int16_t scope_rep, int16_t scope_def) const;
  Result<ColumnPtr> Assemble(const FieldPlan& node, int16_t scope_rep, int16_t scope_def,
                             const Slots& slots);
  Result<ColumnPtr> AssembleLeaf(const FieldPlan& node, const Slots& slots);
  Result<ColumnPtr> AssembleRepeated(const FieldPlan& node, const Slots& slots);
  void FillValidity(const FieldPlan& node, const Slots& slots, Column* out) const;

  const std::vector<LeafData>* leaves_;
};

// Expands `dense` (no nulls) to `n` rows where valid[i] says whether row i
// takes the next dense value; the others become nulls. REQUIRES: dense is a
// primitive (non-nested) column and the count of valid rows == dense.length.
ColumnPtr ScatterDense(const Column& dense, const uint8_t* valid, int64_t n);

}  // namespace lakewatch::parquet
