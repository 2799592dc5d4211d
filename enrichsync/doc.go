// Package enrichsync keeps the organizations of an Affinity list enriched with Apollo's
// firmographics (employees, industry, funding, headquarters, LinkedIn, founding year),
// without paying for a company twice, writing a value twice, or overwriting what a
// person typed.
//
// A run reads the list through v2 (only the mapped fields), keys each organization by
// its registrable domain, sets aside the rows it cannot key (no domain, or a domain that
// several rows share: reported, never guessed), and decides per organization whether to
// enrich it (never enriched, or longer ago than the TTL) and which values to write, by
// each field's Rule. Plan makes that decision and spends nothing; Apply makes the same
// decision through the same code and carries it out: it checks the credit budget
// against Apollo's balance before it starts, enriches in batches of ten, stores every
// answer before it writes anything, writes each changed organization's fields in one
// request, and stops cleanly at the budget or a deadline.
//
// Its state is one SQLite file (Store): the organizations with their last enrichment,
// every write with its old and new value, rule and time (the audit log), and the runs.
// A write is logged as intended before it is sent and marked once Affinity answers, so
// that a run killed at any point and run again neither pays for a company it already
// has nor repeats a write that was applied: resuming is running again.
package enrichsync
