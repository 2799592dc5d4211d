package apollotest

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/orgapis/orgapis/generated/apolloapi"
)

// SetNews gives the organization id n made-up news articles, newest first, one a day
// back from 2026-12-01. A news search costs one credit a page (Credits), empty or not.
func (s *Server) SetNews(organizationID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.news[organizationID] = n
}

func (s *Server) newsSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	orgs := q["organization_ids[]"]
	if len(orgs) == 0 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "organization_ids is required"})
		return
	}
	page, perPage := atoiDefault(q.Get("page"), 1), atoiDefault(q.Get("per_page"), 25)
	if perPage > 25 {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]string{"error": "per_page must be at most 25"})
		return
	}
	s.mu.Lock()
	var all []apolloapi.NewsArticle
	for _, org := range orgs {
		for i := range s.news[org] {
			day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -i)
			title, url := fmt.Sprintf("News %d of %s", i, org), "https://news.example/"+org+"/"+strconv.Itoa(i)
			all = append(all, apolloapi.NewsArticle{ID: fmt.Sprintf("%016x%08x", i+1, len(all)), Title: &title, URL: &url,
				OrganizationIDs: []string{org}, PublishedAt: &day, EventCategories: []string{"news"}})
		}
	}
	s.mu.Unlock()
	s.spend(1) // each page costs a credit, whatever it holds
	out := apolloapi.NewsArticlesSearchResponse{NewsArticles: []apolloapi.NewsArticle{},
		Pagination: apolloapi.Pagination{Page: page, PerPage: perPage, TotalEntries: len(all), TotalPages: (len(all) + perPage - 1) / perPage}}
	for i := (page - 1) * perPage; i < page*perPage && i < len(all); i++ {
		out.NewsArticles = append(out.NewsArticles, all[i])
	}
	writeJSON(w, http.StatusOK, out)
}
