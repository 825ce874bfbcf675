#include "credit.h"
int main() { credit_date d = {2026, 1, 1}; (void)d; return credit_version() ? 0 : 1; }
