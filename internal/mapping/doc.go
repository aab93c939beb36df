// Package mapping keeps each conversation's opinion map up to date in the
// background and serves the latest one. The web never waits for the math:
// votes are stored, and a Service recomputes the analysis (internal/polis)
// of every conversation whose votes or moderation changed, at most once per
// Interval (a second) per conversation, and stores the result as JSON in
// conversation_results. Any instance serves the latest stored result through
// a Reader.
//
// # Work from database state
//
// The Service keeps no queue. Each pass it compares the database with the
// stored result: votes cast or changed after the result's last_vote_at, or
// statements moderated or participants banned or unbanned after its
// computed_at (the time the analysed state was read), mean work. A conversation without a result but with votes also
// needs one. A lost pass, a restart or a crash is therefore caught up by the
// next pass.
//
// # Warm engines
//
// For each conversation it has analysed, a Service keeps a polis.Engine in
// memory and feeds it only what changed: the votes cast since the engine's
// watermark and the statements moderated since then, so an update costs a
// few warm-started iterations instead of a cold start. Because timestamps are
// taken before commit, a vote can become visible slightly after a vote with
// a later timestamp (on PostgreSQL, or with clocks differing between
// instances); the Service therefore re-reads a Slack window (default 5 s)
// behind its watermark and feeds only the votes it has not seen in that
// form. A fresh instance (or one that evicted an idle engine) builds the
// engine from all the votes in the database, participants in the order they
// joined, and seeds it with the stored result (polis.Options.Previous) so
// that the groups stay where they were.
//
// Rejected (moderated-out) statements count as 0 in the analysis
// (Engine.SetModeratedOut); meta statements likewise (Engine.SetMeta).
//
// # Banned participants
//
// A banned participant's votes are left out of the analysis, as Polis leaves
// a blocked participant out of its math: the store's analysis reads
// (VotesInRowOrder, VotesFrom, HasVotesAfter) return only the votes that
// count, so the participant is not in the map, its counts or its groups.
// The votes stay stored, and a ban can be lifted. An engine cannot drop a
// participant's row, so a ban or an unban rebuilds the conversation's engine
// from the votes that count, warm-started from its latest result (the groups
// stay where they were unless the banned votes held them there): each pass a
// warm engine reads the ban states changed since its moderation watermark
// (store.BanStates, the same Slack window) and compares them with the states
// it was built with. Ordinary new votes still go the incremental way. The
// open-data export (Export) keeps every vote, banned participants' too; its
// analysis (group ids, voters-in-conv, groups) is the map's.
//
// # Several instances
//
// Every instance may run a Service. Two instances may analyse the same
// change at the same time; both results are correct, and the later snapshot
// wins (SaveConversationResultIfNewer keeps a slow computation over an
// older snapshot from overwriting a newer one). Each instance then keeps its
// own warm engine and keeps computing while votes arrive, which is wasted
// work but never wrong; one instance is enough when the load matters.
//
// # Stored JSON
//
// The stored JSON is a polis.Result in the shape of Polis's math output
// (internal/polis), plus "kuulu-participants": each participant's map
// position as [id, x, y, votes, base cluster, group] (−1 when not clustered),
// which Polis's output lacks and the map needs. Reader.Latest decodes both,
// so Result.Participants is filled.
package mapping
