// Package apicall holds the types every call of the service clients (packages affinity
// and apollo) reports with: its response metadata (Response), its failure (Error, with
// each service's own sentinels), and the causes an Error or a refused call carries.
//
// Each service package names its instances, such as affinity.Error for
// Error[affinity.RateLimit], so that errors.As with one service's Error never matches
// the other's.
package apicall
