// Every key a run config may hold, section by section: the one table the parser reads through
// (train/run_config.cpp and callback_config.cpp give each io::ConfigSection its table, so an
// undeclared key cannot be read) and the reference is printed from (train/config_reference.h).
// Sections with types ([optimizer], [lr_schedule], [[callbacks]]) have a table holding `type`
// and one table per type. Defaults are taken from the option structs, so they cannot drift.
#pragma once
#include <string>
#include <vector>

#include "scidl/io/config_keys.h"

namespace scidl::train {

const io::KeyTable& root_keys();
const io::KeyTable& data_keys();
const io::KeyTable& model_keys();
const io::KeyTable& training_keys();
const io::KeyTable& output_keys();
const io::KeyTable& distributed_keys();
// The table of a section with types before its type is known (only `type`, and for
// [lr_schedule] `monitor`), and the table of one type; an unknown type throws
// std::invalid_argument naming the valid ones.
const io::KeyTable& optimizer_keys();
const io::KeyTable& optimizer_keys(const std::string& type);
const io::KeyTable& lr_schedule_keys();
const io::KeyTable& lr_schedule_keys(const std::string& type);
const io::KeyTable& callback_keys();
const io::KeyTable& callback_keys(const std::string& type);

// All tables, in the order the reference prints them.
std::vector<const io::KeyTable*> config_key_tables();

}  // namespace scidl::train
