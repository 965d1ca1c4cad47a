#include "config/yaml_document.h"

#include <sstream>
#include <string_view>

#include <fmt/format.h>
#include <yaml-cpp/eventhandler.h>

namespace memwatch::config {
namespace {

// Remembers where a document's first value starts, ignoring everything else.
class FirstValueProbe : public YAML::EventHandler {
 public:
  const std::optional<YAML::Mark>& first_value() const { return first_value_; }

  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Note(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Note(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Note(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Note(mark);
  }
  void OnMapEnd() override {}

 private:
  void Note(const YAML::Mark& mark) {
    if (!first_value_) first_value_ = mark;
  }
  std::optional<YAML::Mark> first_value_;
};

// Where the second document's first value is, if there is one. Asks the
// parser for exactly two documents, so yaml-cpp's endless empty documents
// cannot hang it.
std::optional<YAML::Mark> SecondDocument(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstValueProbe first;
  if (!parser.HandleNextDocument(first)) return std::nullopt;
  FirstValueProbe second;
  if (!parser.HandleNextDocument(second)) return std::nullopt;
  return second.first_value();
}

bool HasContent(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == text.npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    const size_t first = line.find_first_not_of(" \t\r");
    if (first != line.npos) {
      line = line.substr(first);
      const size_t last = line.find_last_not_of(" \t\r");
      line = line.substr(0, last + 1);
      if (line[0] != '#' && line != "---" && line != "...") return true;
    }
    start = end + 1;
  }
  return false;
}

// yaml-cpp's messages are terse ("illegal map value"); say what to look at.
std::string PlainYamlMessage(const std::string& msg) {
  struct Plain {
    const char* yaml_cpp;  // a message of yaml-cpp, or its start
    std::string_view plain;
  };
  static const Plain kPlain[] = {
      {YAML::ErrorMsg::MAP_VALUE,
       "a 'key: value' is not allowed here; check the indentation, or quote a value that "
       "contains ': '"},
      {YAML::ErrorMsg::MAP_KEY, "a key is not allowed here; check the indentation"},
      {YAML::ErrorMsg::BLOCK_ENTRY, "a '- ' list item is not allowed here; check the indentation"},
      {YAML::ErrorMsg::END_OF_MAP, "the mapping ends unexpectedly; check the indentation"},
      {YAML::ErrorMsg::END_OF_SEQ, "the list ends unexpectedly; check the indentation"},
      {YAML::ErrorMsg::END_OF_MAP_FLOW, "a '{' is not closed by '}'"},
      {YAML::ErrorMsg::END_OF_SEQ_FLOW, "a '[' is not closed by ']'"},
      {YAML::ErrorMsg::FLOW_END, "a '}' or ']' has no matching '{' or '['"},
      {YAML::ErrorMsg::EOF_IN_SCALAR, "a quoted value has no closing quote"},
      {YAML::ErrorMsg::UNKNOWN_ANCHOR, "an alias (*name) refers to an anchor (&name) not defined"},
      {YAML::ErrorMsg::INVALID_ESCAPE,
       "unknown backslash escape in a double-quoted value; use single quotes or write \\\\"},
      {YAML::ErrorMsg::TAB_IN_INDENTATION,
       "tab characters are not allowed for indentation; use spaces"},
      {YAML::ErrorMsg::UNKNOWN_TOKEN, "unexpected character; quote values with special characters"},
      {YAML::ErrorMsg::CHAR_IN_SCALAR,
       "unexpected character; quote values with special characters"},
  };
  for (const Plain& p : kPlain) {
    if (msg.rfind(p.yaml_cpp, 0) == 0) return fmt::format("invalid YAML: {}", p.plain);
  }
  // Only yaml-cpp's fixed texts reach here; those with a suffix that could
  // quote the file (escape, unicode, version) are matched above or cut.
  const size_t colon = msg.find(':');
  return fmt::format("invalid YAML ({})", msg.substr(0, colon));
}

}  // namespace

std::optional<YamlDocument> ParseYamlDocument(const std::string& text, Walker& walker) {
  try {
    YamlDocument doc;
    doc.root = YAML::Load(text);
    doc.second_document = SecondDocument(text);
    doc.has_content = HasContent(text);
    return doc;
  } catch (const YAML::Exception& e) {  // ParserException, and anything else of yaml-cpp's
    walker.Error(e.mark, "", PlainYamlMessage(e.msg));
  }
  return std::nullopt;
}

}  // namespace memwatch::config
