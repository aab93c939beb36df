// Package polis is Kuulu's opinion-mapping math: a Go implementation of the pipeline
// that Polis (compdemocracy/polis, math/src/polismath) runs on a conversation's votes,
// written from its published description. It has no storage or HTTP dependency.
//
// # Pipeline
//
//  1. Vote matrix, participants × statements. Statements nobody voted on and
//     participants without votes are left out, as in Polis's matrix. Moderated-out and
//     meta statements (Polis's mod-out) are zeroed: their whole column is 0.
//  2. PCA: missing votes are imputed with the column mean, the matrix is centred on the
//     column means, and the two leading eigenvectors of the covariance are found by
//     (block) power iteration. Imputing the mean and then centring makes missing
//     entries exactly 0, so the centred matrix is as sparse as the votes and is never
//     materialised densely.
//  3. Projection: each participant is projected from their own votes (x − mean) and the
//     result is scaled by sqrt(statements / votes of that participant), Polis's
//     sparsity-aware projection. Because zeroed columns are full columns of 0, every
//     participant counts as having voted on each mod-out statement.
//  4. In-conv: participants with at least min(7, statements) votes are clustered; if
//     fewer than 15 qualify, the most active voters are added up to 15. In-conv is
//     sticky across updates.
//  5. Base clusters: k-means with k = 100 (fewer if there are fewer distinct positions)
//     on the in-conv projections, started from the first k distinct points.
//  6. Groups: k-means on the base-cluster centres weighted by their sizes, for
//     k = 2 … min(5, 2 + base clusters / 12); k is chosen by silhouette (and, across
//     updates, changed only after a new k wins 4 updates in a row).
//  7. Representative statements per group (repness), consensus over all voters,
//     group-aware consensus, comment projection and extremity, vote tallies.
//
// # Sign convention
//
// The API (Vote, Matrix.Set, Agree/Disagree/Pass) uses the export sign: agree = +1,
// disagree = −1, pass = 0, as in Polis's open-data exports and API vote dumps. Polis
// computes internally with agree = −1. The JSON of a Result follows Polis's math
// output so the two can be compared: pca.center is in the internal sign (minus the
// mean export-sign vote) and pca.comps are the negated export-sign eigenvectors, which
// leaves the participant coordinates and the comment projection identical in both
// conventions. A component's overall sign is arbitrary (compare up to sign).
//
// # History dependence
//
// Polis's published results depend on its update history: the PCA and k-means are
// warm-started from the previous run, in-conv participants stay in-conv, and the
// number of groups is smoothed over updates. A from-scratch Analyze reproduces Polis's
// PCA centre, components, participant and comment projections, user vote counts and
// consensus exactly (to floating-point precision), but base clusters, groups and thus
// group votes, repness and group-aware consensus only when started from Polis's state:
// pass the in-conv set and base and group clusters as Options seeds (or Polis's JSON
// output as Options.Previous). The tests in this package do exactly that against five
// Polis fixtures; see README.md.
//
// # Incremental use
//
// Engine keeps a conversation's votes and moderation state and updates its Result
// incrementally (see Engine). Analyze is the pure, from-scratch entry point.
package polis
