#include <cstdio>
int main() { std::puts("lakewatch"); return 0; }
