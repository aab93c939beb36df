package polis

// Options tunes an analysis. The zero value gives Polis's defaults.
//
// Polis's output depends on its update history: it warm-starts the PCA and the
// k-means runs from the previous result, keeps participants in the clustering once
// they are in (in-conv is sticky), and changes the number of groups only after a new
// k has won the silhouette comparison several updates in a row. A from-scratch
// analysis therefore reproduces Polis's PCA, projections and vote statistics exactly,
// but its clusters only when it starts from the same conditions. The seed fields below
// (or Previous) supply those starting conditions.
type Options struct {
	// MinVotes: a participant is clustered (in-conv) once they have voted on at least
	// min(MinVotes, statements) statements. Default 7.
	MinVotes int
	// MinInConv: if fewer participants qualify, the most active voters are added until
	// there are this many. Default 15.
	MinInConv int
	// BaseK is the number of base clusters. Default 100.
	BaseK int
	// MaxGroups is the largest number of opinion groups tried. Default 5; the number
	// tried is also capped at 2 + base clusters / 12, as in Polis.
	MaxGroups int
	// KMeansIters caps the Lloyd iterations of each k-means run. Default 100.
	KMeansIters int
	// GroupKBuffer: with a previous result, a new number of groups is adopted only
	// after it has been the best by silhouette this many updates in a row. Default 4.
	GroupKBuffer int
	// RepnessMax and ConsensusMax cap the representative statements per group and the
	// consensus statements per direction. Default 5 each.
	RepnessMax   int
	ConsensusMax int
	// PCATolerance is the relative Ritz residual at which the power iteration stops
	// (default 1e-11); PCAMaxIters caps it (default 2000).
	PCATolerance float64
	PCAMaxIters  int
	// Workers is the number of goroutines for the heavy loops (default GOMAXPROCS).
	Workers int

	// Previous warm-starts everything from an earlier result (of this package, or a
	// Polis math-pca2 JSON unmarshalled into a Result): PCA components, in-conv, base
	// clusters, group clusters and the number of groups. Explicit seeds below take
	// precedence over it.
	Previous *Result
	// InConv lists participants kept in the clustering whatever their vote count.
	InConv []int64
	// BaseClusters seeds the base k-means with clusters given by their members; their
	// centres are the mean of the members' current positions.
	BaseClusters []ClusterSeed
	// BaseCenters gives the base k-means initial centres (ignored when BaseClusters is
	// set). Without either, k-means starts from the first BaseK distinct points in row
	// order, like Polis's cold start.
	BaseCenters [][2]float64
	// GroupClusters seeds the group k-means with groups of base-cluster ids; the number
	// of groups is then kept at len(GroupClusters) unless GroupK says otherwise.
	GroupClusters []GroupSeed
	// GroupCenters gives the group k-means initial centres for k = len(GroupCenters)
	// and keeps that k (ignored when GroupClusters is set).
	GroupCenters [][2]float64
	// GroupK forces the number of groups (0: chosen by silhouette).
	GroupK int
}

// ClusterSeed is a base cluster to start from: an id and its member participants.
type ClusterSeed struct {
	ID      int
	Members []int64
}

// GroupSeed is a group to start from: an id and its member base-cluster ids.
type GroupSeed struct {
	ID      int
	Members []int
}

func (o Options) withDefaults() Options {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MinVotes, 7)
	def(&o.MinInConv, 15)
	def(&o.BaseK, 100)
	def(&o.MaxGroups, 5)
	def(&o.KMeansIters, 100)
	def(&o.GroupKBuffer, 4)
	def(&o.RepnessMax, 5)
	def(&o.ConsensusMax, 5)
	def(&o.PCAMaxIters, 2000)
	if o.PCATolerance <= 0 {
		o.PCATolerance = 1e-11
	}
	return o
}
