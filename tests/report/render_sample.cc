// report_render_sample OUT.html: writes the sample report (report/sample_report.h)
// rendered by RenderHtml, for the headless-browser test (report_browser.mjs) and
// for looking at the page.
#include <cstdio>
#include <string>

#include "report/html.h"
#include "report/sample_report.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: report_render_sample OUT.html\n");
    return 2;
  }
  const std::string html = lakewatch::report::RenderHtml(lakewatch::report::SampleReport());
  std::FILE* f = std::fopen(argv[1], "wb");
  if (f == nullptr) {
    std::perror(argv[1]);
    return 1;
  }
  bool ok = std::fwrite(html.data(), 1, html.size(), f) == html.size();
  ok = std::fclose(f) == 0 && ok;
  if (!ok) {
    std::fprintf(stderr, "%s: write failed\n", argv[1]);
    return 1;
  }
  return 0;
}
