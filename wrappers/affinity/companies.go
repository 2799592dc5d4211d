package affinity

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strconv"

	"github.com/orgapis/orgapis/generated/affinityapi"
	"github.com/orgapis/orgapis/internal/httpcore"
	"github.com/orgapis/orgapis/wrappers/apicall"
	"github.com/orgapis/orgapis/wrappers/option"
)

// Company is a company (an organization in v1) with the field data asked for.
type Company struct {
	ID   int64
	Name string
	// Domain is the main domain; "" when it has none.
	Domain  string
	Domains []string
	// Global is true for a company of Affinity's global dataset, whose name and domain
	// cannot be changed.
	Global bool
	// Fields are the fields FieldSelection asked for, each with its values (none when
	// it has none); nil when none were asked for.
	Fields []FieldData
}

// FieldKind is the kind of a field in v2.
type FieldKind string

// The kinds of fields v2 knows.
const (
	FieldEnriched                 FieldKind = "enriched"                  // from Affinity's data or Dealroom
	FieldGlobal                   FieldKind = "global"                    // the team's fields of every record of a type
	FieldList                     FieldKind = "list"                      // a list's own columns
	FieldRelationshipIntelligence FieldKind = "relationship-intelligence" // such as the last email
)

// FieldData is one field of a record with its values.
type FieldData struct {
	// ID is v2's id of the field: "field-" and v1's id for the team's fields, a name
	// such as "affinity-data-location" for enriched ones.
	ID   string
	Name string
	Kind FieldKind
	// EnrichmentSource says where an enriched field's data comes from; "" for the
	// team's own.
	EnrichmentSource string
	Values           []Value
}

// FieldSelection names the fields whose data a company carries: every field of the
// kinds in Kinds, and the fields in IDs. The zero value asks for none.
type FieldSelection struct {
	Kinds []FieldKind
	IDs   []string
}

// CompanyQuery selects companies. The zero value lists them all, without field data.
type CompanyQuery struct {
	// IDs keeps the companies with these ids.
	IDs    []int64
	Fields FieldSelection
	// PageSize is the number of companies per request, 1 to 100; 0 means 100.
	PageSize int
}

// CompanyPage is one page of companies, with the cursor of the next one.
type CompanyPage struct {
	Companies []Company
	// NextCursor fetches the next page; "" after the last.
	NextCursor string
}

// v2CompanyPage is one page of companies as v2 sends it.
type v2CompanyPage struct {
	Data       []v2Entity   `json:"data"`
	Pagination v2Pagination `json:"pagination"`
}

// CompanyPage fetches one page of companies through v2: the first when cursor is
// empty, otherwise the page it points to (a cursor carries its query). With
// WithV1Only it is v1's search and each company's values instead, and cursor is a v1
// page token.
func (c *Client) CompanyPage(ctx context.Context, q CompanyQuery, cursor string, callOpts ...option.CallOption) (CompanyPage, error) {
	if err := q.check(); err != nil {
		return CompanyPage{}, err
	}
	if c.v1Only {
		return c.companyPageV1(ctx, q, cursor, callOpts)
	}
	params := &affinityapi.ListCompaniesV2Params{IDs: q.IDs, FieldIDs: q.Fields.IDs, FieldTypes: kinds(q.Fields.Kinds)}
	if q.PageSize > 0 {
		limit := affinityapi.V2Limit(q.PageSize)
		params.Limit = &limit
	}
	if cursor != "" {
		params.Cursor = &cursor
	}
	var page CompanyPage
	_, err := httpcore.Run(ctx, c.doer, "listCompaniesV2", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.ListCompaniesV2(ctx, params)
	}, func(p *v2CompanyPage) error {
		if p.Data == nil {
			return &apicall.MissingMemberError{Member: "data", Reason: "missing or null"}
		}
		for i, w := range p.Data {
			co, err := w.company(fmt.Sprintf("data[%d].", i), c.maxValues)
			if err != nil {
				return err
			}
			page.Companies = append(page.Companies, co)
		}
		var err error
		page.NextCursor, err = c.v2Cursor(p.Pagination.NextURL, "/v2/companies")
		return err
	})
	if err != nil {
		return CompanyPage{}, v2Refused(err)
	}
	return page, nil
}

// CompanyPages iterates over the pages of companies from the page cursor points to
// ("" for the first), with the guards of every listing: a repeated cursor fails with
// ErrRepeatedPageToken and a run of empty pages with ErrEmptyPages.
func (c *Client) CompanyPages(ctx context.Context, q CompanyQuery, cursor string, callOpts ...option.CallOption) iter.Seq2[CompanyPage, error] {
	return tokenPages(ctx, c, cursor, func(ctx context.Context, token string) (CompanyPage, error) {
		return c.CompanyPage(ctx, q, token, callOpts...)
	}, func(p CompanyPage) string { return p.NextCursor }, func(p CompanyPage) int { return len(p.Companies) })
}

// Companies iterates over every company the query selects, with its field data.
func (c *Client) Companies(ctx context.Context, q CompanyQuery, callOpts ...option.CallOption) iter.Seq2[Company, error] {
	return items(c.CompanyPages(ctx, q, "", callOpts...), func(p CompanyPage) []Company { return p.Companies })
}

// GetCompany fetches one company with the field data fields asks for, through v2 (or,
// with WithV1Only, the organization and its values through v1).
func (c *Client) GetCompany(ctx context.Context, id int64, fields FieldSelection, callOpts ...option.CallOption) (Company, error) {
	if err := checkPositive("company_id", id); err != nil {
		return Company{}, err
	}
	if err := fields.check(); err != nil {
		return Company{}, err
	}
	if c.v1Only {
		return c.companyV1(ctx, id, nil, fields, callOpts)
	}
	params := &affinityapi.GetCompanyV2Params{FieldIDs: fields.IDs, FieldTypes: kinds(fields.Kinds)}
	var co Company
	_, err := httpcore.Run(ctx, c.doer, "getCompanyV2", callOpts, func(ctx context.Context) (*http.Response, error) {
		return c.api.GetCompanyV2(ctx, id, params)
	}, func(w *v2Entity) error {
		var err error
		co, err = w.company("", c.maxValues)
		return err
	})
	return co, v2Refused(err)
}

// company is a wire entity as this package's company, refused when it cannot be one;
// limit bounds the elements of each field's value.
func (w v2Entity) company(prefix string, limit int) (Company, error) {
	if w.ID <= 0 {
		return Company{}, &apicall.MissingMemberError{Member: prefix + "id", Reason: "missing, null or not positive"}
	}
	co := Company{ID: w.ID, Name: w.Name, Domain: w.Domain, Domains: w.Domains, Global: w.IsGlobal}
	for i, f := range w.Fields {
		values, err := f.Value.values(fmt.Sprintf("%sfields[%d].value", prefix, i), f.ID, limit)
		if err != nil {
			return Company{}, err
		}
		fd := FieldData{ID: f.ID, Name: f.Name, Kind: FieldKind(f.Type), Values: values}
		if f.EnrichmentSource != nil {
			fd.EnrichmentSource = *f.EnrichmentSource
		}
		co.Fields = append(co.Fields, fd)
	}
	return co, nil
}

func (q CompanyQuery) check() error {
	if q.PageSize < 0 || q.PageSize > MaxV2PageSize {
		return paramError("limit", fmt.Sprintf("must be 1 to %d (or 0 for %d), got %d", MaxV2PageSize, MaxV2PageSize, q.PageSize))
	}
	for i, id := range q.IDs {
		if id <= 0 {
			return paramError(fmt.Sprintf("ids[%d]", i), fmt.Sprintf("must be positive, got %d", id))
		}
	}
	return q.Fields.check()
}

func (f FieldSelection) check() error {
	for i, k := range f.Kinds {
		if !slices.Contains([]FieldKind{FieldEnriched, FieldGlobal, FieldRelationshipIntelligence}, k) {
			return paramError(fmt.Sprintf("fieldTypes[%d]", i), fmt.Sprintf("%q is not enriched, global or relationship-intelligence", k))
		}
	}
	for i, id := range f.IDs {
		if id == "" {
			return paramError(fmt.Sprintf("fieldIds[%d]", i), "is empty")
		}
	}
	return nil
}

func kinds(ks []FieldKind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// companyPageV1 is CompanyPage through v1: a page of the search (or the companies of
// q.IDs, one request each), with each company's global values when fields ask for them.
func (c *Client) companyPageV1(ctx context.Context, q CompanyQuery, token string, callOpts []option.CallOption) (CompanyPage, error) {
	var orgs []Organization
	var page CompanyPage
	if len(q.IDs) > 0 {
		for _, id := range q.IDs {
			o, err := c.GetOrganization(ctx, id, GetOrganizationOptions{}, callOpts...)
			if err != nil {
				return CompanyPage{}, err
			}
			orgs = append(orgs, o)
		}
	} else {
		p, err := c.OrganizationPage(ctx, OrganizationQuery{PageSize: q.PageSize}, token, callOpts...)
		if err != nil {
			return CompanyPage{}, err
		}
		orgs, page.NextCursor = p.Organizations, p.NextPageToken
	}
	for _, o := range orgs {
		co, err := c.companyV1(ctx, o.ID, &o, q.Fields, callOpts)
		if err != nil {
			return CompanyPage{}, err
		}
		page.Companies = append(page.Companies, co)
	}
	return page, nil
}

// companyV1 is a company through v1: the organization (fetched unless given), and,
// when fields ask for global fields or their ids, its global values. v1 has neither
// enriched nor relationship-intelligence data.
func (c *Client) companyV1(ctx context.Context, id int64, org *Organization, fields FieldSelection, callOpts []option.CallOption) (Company, error) {
	if org == nil {
		o, err := c.GetOrganization(ctx, id, GetOrganizationOptions{}, callOpts...)
		if err != nil {
			return Company{}, err
		}
		org = &o
	}
	co := Company{ID: org.ID, Name: org.Name, Domain: org.Domain, Domains: org.Domains, Global: org.Global}
	global := slices.Contains(fields.Kinds, FieldGlobal)
	if !global && len(fields.IDs) == 0 {
		return co, nil
	}
	defs, err := c.ListOrganizationFields(ctx, callOpts...)
	if err != nil {
		return Company{}, err
	}
	values, err := c.ListFieldValues(ctx, FieldValueQuery{OrganizationID: org.ID}, callOpts...)
	if err != nil {
		return Company{}, err
	}
	for _, f := range defs {
		fid := "field-" + strconv.FormatInt(f.ID, 10)
		if !global && !slices.Contains(fields.IDs, fid) {
			continue
		}
		fd := FieldData{ID: fid, Name: f.Name, Kind: FieldGlobal}
		for _, v := range values {
			if v.FieldID == f.ID && v.ListEntryID == 0 {
				fd.Values = append(fd.Values, v.Value)
			}
		}
		co.Fields = append(co.Fields, fd)
	}
	return co, nil
}
