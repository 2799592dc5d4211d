package webhook_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/orgapis/orgapis/wrappers/affinity"
	"github.com/orgapis/orgapis/wrappers/affinity/affinitytest"
	"github.com/orgapis/orgapis/wrappers/affinity/webhook"
)

// Receive Affinity's events: mount a Handler at a URL with a secret in it, subscribe
// that URL, and each change arrives as a typed Event. Here the fake plays Affinity.
func Example() {
	ctx := context.Background()
	fake := affinitytest.NewServer("key")
	defer fake.Close()
	client, _ := fake.Client()

	secret, _ := webhook.NewSecret()
	h, err := webhook.NewHandler(secret, func(ctx context.Context, e webhook.Event) error {
		switch e.Type {
		case affinity.OrganizationCreated:
			fmt.Println("new organization:", e.Organization.Name)
		case affinity.FieldValueCreated:
			fmt.Println("value set:", e.FieldValue.Value.Text)
		default:
			fmt.Println("event:", e.Type)
		}
		return nil // an error answers 500, and Affinity sends the event again
	})
	if err != nil {
		panic(err)
	}
	receiver := httptest.NewServer(h) // your server, at a URL Affinity can reach
	defer receiver.Close()

	if _, err := client.CreateWebhookSubscription(ctx, affinity.NewWebhookSubscription{
		WebhookURL:    receiver.URL + "/hooks/affinity/" + secret,
		Subscriptions: []affinity.EventType{affinity.OrganizationCreated, affinity.OrganizationDeleted},
	}); err != nil {
		panic(err)
	}
	org, _ := client.CreateOrganization(ctx, affinity.NewOrganization{Name: "Société Générale d'Exemple"})
	_ = client.DeleteOrganization(ctx, org.ID)

	fake.SetWebhookClock(time.Now)
	_, _ = fake.SendWebhooks(ctx, receiver.Client()) // the fake delivers when asked
	// Output:
	// new organization: Société Générale d'Exemple
	// event: organization.deleted
}
