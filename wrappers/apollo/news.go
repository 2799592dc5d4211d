package apollo

import (
	"context"
	"fmt"
	"iter"
	"net/http"

	openapi_types "github.com/oapi-codegen/runtime/types"
	"github.com/orgapis/orgapis/generated/apolloapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// News limits.
const (
	// MaxNewsPerPage is the most articles a news page holds.
	MaxNewsPerPage = 25
	// CreditsPerNewsPage is what each page of news costs, whatever it holds.
	CreditsPerNewsPage = 1
)

// NewsQuery asks for news articles about some companies (searchNewsArticles).
type NewsQuery struct {
	// OrganizationIDs are the Apollo ids of the companies; at least one.
	OrganizationIDs []string
	// Categories keep articles of these categories or sub-categories, such as
	// "hires" or "investment".
	Categories []string
	// PublishedAt bounds when the articles were published.
	PublishedAt DateRange
	// PerPage is the number of articles per page, 1 to 25; 0 leaves Apollo's default.
	PerPage int
}

// NewsPage is one page of news articles.
type NewsPage struct {
	Articles   []NewsArticle
	Pagination Pagination
}

func (q NewsQuery) params(page int) (*apolloapi.SearchNewsArticlesParams, error) {
	if len(q.OrganizationIDs) == 0 {
		return nil, paramError("organization_ids", "give at least one company")
	}
	if err := noBlank("organization_ids", q.OrganizationIDs); err != nil {
		return nil, err
	}
	if err := noBlank("categories", q.Categories); err != nil {
		return nil, err
	}
	if page < 1 {
		return nil, paramError("page", fmt.Sprintf("must be 1 or more, got %d", page))
	}
	if q.PerPage < 0 || q.PerPage > MaxNewsPerPage {
		return nil, paramError("per_page", fmt.Sprintf("must be 1 to %d (or 0 for the default), got %d", MaxNewsPerPage, q.PerPage))
	}
	r, err := q.PublishedAt.body("published_at")
	if err != nil {
		return nil, err
	}
	p := &apolloapi.SearchNewsArticlesParams{OrganizationIDs: q.OrganizationIDs, Categories: list(q.Categories), Page: &page}
	if q.PerPage != 0 {
		p.PerPage = &q.PerPage
	}
	if r != nil {
		if !q.PublishedAt.From.IsZero() {
			p.PublishedAtMin = &openapi_types.Date{Time: q.PublishedAt.From}
		}
		if !q.PublishedAt.To.IsZero() {
			p.PublishedAtMax = &openapi_types.Date{Time: q.PublishedAt.To}
		}
	}
	return p, nil
}

// newsAnswer is what a news page reads of apolloapi.NewsArticlesSearchResponse.
type newsAnswer struct {
	Pagination   *Pagination                `json:"pagination"`
	NewsArticles optionalArray[NewsArticle] `json:"news_articles"`
}

// NewsArticlePage fetches one page of news (page counts from 1). It costs
// CreditsPerNewsPage, even when the page is empty: a budget of WithCreditBudget must
// have room for it before the request is sent, and Response.Credits says it.
func (c *Client) NewsArticlePage(ctx context.Context, q NewsQuery, page int, callOpts ...option.CallOption) (NewsPage, error) {
	return c.newsPage(ctx, c.spending(callOpts), q, page, callOpts)
}

func (c *Client) newsPage(ctx context.Context, sp *spender, q NewsQuery, page int, callOpts []option.CallOption) (NewsPage, error) {
	params, err := q.params(page)
	if err != nil {
		return NewsPage{}, err
	}
	r, err := paid(ctx, sp, "searchNewsArticles", CreditsPerNewsPage, callOpts, func(ctx context.Context, opts []option.CallOption) (newsAnswer, error) {
		return httpcore.Run(ctx, c.doer, "searchNewsArticles", opts, func(ctx context.Context) (*http.Response, error) {
			return c.api.SearchNewsArticles(ctx, params)
		}, func(r *newsAnswer) error {
			if r.Pagination == nil || r.Pagination.Page == 0 {
				return &apicall.MissingMemberError{Member: "pagination.page", Reason: "missing or zero"}
			}
			if r.NewsArticles.items == nil && !r.NewsArticles.null {
				return &apicall.MissingMemberError{Member: "news_articles", Reason: "missing"}
			}
			if err := r.NewsArticles.check("news_articles"); err != nil {
				return err
			}
			return eachID(r.NewsArticles.items, "news_articles", func(a *NewsArticle) string { return a.ID })
		})
	}, func(newsAnswer) int { return CreditsPerNewsPage })
	if err != nil {
		return NewsPage{}, err
	}
	return NewsPage{Articles: r.NewsArticles.items, Pagination: *r.Pagination}, nil
}

// NewsArticlePages iterates over the pages of news from page start (0 or 1 for the
// first), stopping after pagination.total_pages or at an empty page. Every page costs
// CreditsPerNewsPage, the empty one that may end the iteration included: a search
// of n pages costs n credits (n+1 when Apollo does not say how many there are). Give
// the call WithCreditBudget to cap it; the iteration then ends with a *BudgetError
// before the page that would pass the cap.
func (c *Client) NewsArticlePages(ctx context.Context, q NewsQuery, start int, callOpts ...option.CallOption) iter.Seq2[NewsPage, error] {
	return func(yield func(NewsPage, error) bool) {
		sp := c.spending(callOpts) // a call's budget holds for every page
		for page := max(start, 1); ; page++ {
			p, err := c.newsPage(ctx, sp, q, page, callOpts)
			if err != nil {
				yield(NewsPage{}, err)
				return
			}
			if len(p.Articles) == 0 || !yield(p, nil) {
				return
			}
			if p.Pagination.TotalPages > 0 && page >= p.Pagination.TotalPages {
				return
			}
		}
	}
}

// NewsArticles iterates over every article of a news search, with the stopping rules
// and the cost of NewsArticlePages: CreditsPerNewsPage for each page of up to 25.
func (c *Client) NewsArticles(ctx context.Context, q NewsQuery, callOpts ...option.CallOption) iter.Seq2[NewsArticle, error] {
	return func(yield func(NewsArticle, error) bool) {
		for page, err := range c.NewsArticlePages(ctx, q, 1, callOpts...) {
			if err != nil {
				yield(NewsArticle{}, err)
				return
			}
			for _, a := range page.Articles {
				if !yield(a, nil) {
					return
				}
			}
		}
	}
}
