package affinitytest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/domain"
	"github.com/orgapis/orgapis/wrappers/affinity"
)

// The fake's duplicate suggestions and merges (v2):
//   - GET /v2/duplicates/company-suggestions suggests every pair of stored
//     organizations whose domains have a registrable domain in common (matchCriteria
//     domain-match) or whose names are equal with case folded (name); the primary is
//     the older (lower id). A merge removes the pair. term (2 characters or more)
//     keeps the pairs whose names contain it; filter takes matchCriteria=<criteria>.
//   - POST /v2/company-merges merges at once and answers 202 with the task's address:
//     the duplicate's domains and persons join the primary's, its list entries and
//     field values move to the primary (an entry on a list the primary is already on is
//     dropped), and it is deleted. A merge of a missing or global duplicate, or into a
//     missing primary, is a failed task, as Affinity reports a merge that failed.
//   - GET /v2/tasks/company-merges/{taskId} is the task, 404 for one it never made.

// mergeTask is a merge the fake ran.
type mergeTask struct {
	ID     string
	Failed bool
}

// duplicateRoutes adds the routes above.
func (s *Server) duplicateRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v2/duplicates/company-suggestions", s.v2Suggestions)
	mux.HandleFunc("POST /v2/company-merges", s.v2Merge)
	mux.HandleFunc("GET /v2/tasks/company-merges/{taskId}", s.v2MergeTask)
}

var matchFilter = regexp.MustCompile(`^\s*matchCriteria\s*=\s*"?(name|domain-redirect|domain-match)"?\s*$`)

func (s *Server) v2Suggestions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if c := q.Get("cursor"); c == "" { // a cursor carries the query it was made for
		if t := q.Get("term"); q.Has("term") && len([]rune(t)) < 2 {
			v2Error(w, http.StatusBadRequest, "validation", "term: must be at least 2 characters")
			return
		}
		if f := q.Get("filter"); q.Has("filter") && !matchFilter.MatchString(f) {
			v2Error(w, http.StatusBadRequest, "validation", "filter: only matchCriteria=<criteria> is supported")
			return
		}
	}
	s.v2Paged(w, r, func() []any {
		q := r.URL.Query() // after v2Paged put the cursor's query in place
		criteria := ""
		if m := matchFilter.FindStringSubmatch(q.Get("filter")); m != nil {
			criteria = m[1]
		}
		term := strings.ToLower(q.Get("term"))
		var out []any
		for _, p := range s.suggestionPairs() {
			a, b := s.orgs[p.primary], s.orgs[p.duplicate]
			if criteria != "" && p.criteria != criteria {
				continue
			}
			if term != "" && !strings.Contains(strings.ToLower(a.Name), term) && !strings.Contains(strings.ToLower(b.Name), term) {
				continue
			}
			out = append(out, map[string]any{"id": fmt.Sprintf("%d-%d", a.ID, b.ID), "matchCriteria": p.criteria,
				"primaryProfile": duplicateProfile(a), "duplicateProfiles": []any{duplicateProfile(b)}})
		}
		return out
	})
}

type suggestionPair struct {
	primary, duplicate int64
	criteria           string
	name               string
}

// suggestionPairs are the pairs to suggest, ordered by the primary's name; it needs s.mu.
func (s *Server) suggestionPairs() []suggestionPair {
	byDomain := map[string][]int64{}
	byName := map[string][]int64{}
	for _, id := range s.order {
		o := s.orgs[id]
		seen := map[string]bool{}
		for _, d := range append(nonNil(o.Domains), deref(o.Domain)) {
			if reg, err := domain.Registrable(d); err == nil && !seen[reg] {
				seen[reg] = true
				byDomain[reg] = append(byDomain[reg], id)
			}
		}
		if n := strings.ToLower(strings.TrimSpace(o.Name)); n != "" {
			byName[n] = append(byName[n], id)
		}
	}
	paired := map[[2]int64]bool{}
	var pairs []suggestionPair
	add := func(groups map[string][]int64, criteria string) {
		for _, ids := range groups {
			for i := 1; i < len(ids); i++ {
				k := [2]int64{ids[0], ids[i]}
				if !paired[k] {
					paired[k] = true
					pairs = append(pairs, suggestionPair{ids[0], ids[i], criteria, s.orgs[ids[0]].Name})
				}
			}
		}
	}
	add(byDomain, "domain-match")
	add(byName, "name")
	slices.SortFunc(pairs, func(a, b suggestionPair) int {
		return cmp.Or(strings.Compare(a.name, b.name), cmp.Compare(a.primary, b.primary), cmp.Compare(a.duplicate, b.duplicate))
	})
	return pairs
}

func duplicateProfile(o affinityapi.Organization) map[string]any {
	p := v2Company(o)
	p["isEnriched"] = o.Global
	return p
}

func (s *Server) v2Merge(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Primary   *int64 `json:"primaryCompanyId"`
		Duplicate *int64 `json:"duplicateCompanyId"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Primary == nil || body.Duplicate == nil || *body.Primary < 1 || *body.Duplicate < 1 {
		v2Error(w, http.StatusBadRequest, "validation", "primaryCompanyId and duplicateCompanyId are required positive integers")
		return
	}
	if *body.Primary == *body.Duplicate {
		v2Error(w, http.StatusBadRequest, "validation", "a company cannot be merged into itself")
		return
	}
	s.mu.Lock()
	s.nextTaskID++
	task := mergeTask{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", s.nextTaskID)}
	task.Failed = !s.mergeLocked(*body.Primary, *body.Duplicate)
	if s.tasks == nil {
		s.tasks = map[string]mergeTask{}
	}
	s.tasks[task.ID] = task
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]string{"taskUrl": "http://" + r.Host + "/v2/tasks/company-merges/" + task.ID})
}

// mergeLocked merges duplicate into primary, reporting whether it could; it needs s.mu.
func (s *Server) mergeLocked(primary, duplicate int64) bool {
	p, okP := s.orgs[primary]
	d, okD := s.orgs[duplicate]
	if !okP || !okD || d.Global {
		return false
	}
	for _, dom := range d.Domains {
		if !slices.Contains(p.Domains, dom) {
			p.Domains = append(p.Domains, dom)
		}
	}
	if p.Domain == nil && d.Domain != nil {
		p.Domain = d.Domain
	}
	for _, id := range d.PersonIDs {
		if !slices.Contains(p.PersonIDs, id) {
			p.PersonIDs = append(p.PersonIDs, id)
		}
	}
	s.put(p)
	for _, l := range s.lists {
		has := slices.ContainsFunc(l.entries, func(e affinityapi.ListEntry) bool { return e.EntityID == primary })
		kept := l.entries[:0]
		for _, e := range l.entries {
			if e.EntityID == duplicate {
				if has {
					continue
				}
				e.EntityID = primary
				var entity affinityapi.ListEntry_Entity
				_ = entity.FromOrganization(p)
				e.Entity = &entity
				has = true
			}
			kept = append(kept, e)
		}
		l.entries = kept
	}
	for id, v := range s.values {
		if v.EntityID == duplicate {
			v.EntityID = primary
			s.values[id] = v
		}
	}
	delete(s.orgs, duplicate)
	s.order = slices.DeleteFunc(s.order, func(id int64) bool { return id == duplicate })
	// Affinity documents organization.merged without its body; the fake sends the
	// organization that survived, as it is after the merge.
	s.emit(affinity.OrganizationMerged, p)
	return true
}

func (s *Server) v2MergeTask(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("taskId")
	s.mu.Lock()
	task, ok := s.tasks[id]
	s.mu.Unlock()
	if !ok {
		v2Error(w, http.StatusNotFound, "not-found", "Merge task not found")
		return
	}
	status, success, failed := "success", 1, 0
	if task.Failed {
		status, success, failed = "failed", 0, 1
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": task.ID, "status": status,
		"resultsSummary": map[string]int{"total": 1, "inProgress": 0, "success": success, "failed": failed}})
}
