#include "memwatch/escape_html.h"

#include <gtest/gtest.h>

namespace memwatch {
namespace escape_html_test {

TEST(EscapeHtmlTest, EveryCharacterThatEndsTextOrAnAttributeIsAnEntity) {
  EXPECT_EQ(EscapeHtml("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(EscapeHtml("plain text, 100%"), "plain text, 100%");
  EXPECT_EQ(EscapeHtml(std::string("nul\0byte", 8)), std::string("nul\0byte", 8));
  EXPECT_EQ(EscapeHtml(""), "");
}

}  // namespace escape_html_test
}  // namespace memwatch
