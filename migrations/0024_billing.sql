-- Billing: each tenant's plan and subscription state, the usage that quotas count, the metered usage reported to
-- Stripe Billing Meters, invoices' status, and the webhook events already applied. Plans and their limits are
-- configuration (Billing:Plans), not rows: a row names its plan by id.

CREATE TABLE tenant_billing (
    tenant_id              uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    plan                   text NOT NULL DEFAULT 'free' CHECK (length(plan) BETWEEN 1 AND 64),
    -- Stripe's subscription statuses; a tenant that never subscribed is 'active' on its plan.
    status                 text NOT NULL DEFAULT 'active' CHECK (status IN
                               ('active', 'trialing', 'past_due', 'canceled', 'unpaid', 'incomplete', 'incomplete_expired', 'paused')),
    stripe_customer_id     text UNIQUE CHECK (length(stripe_customer_id) <= 255),
    stripe_subscription_id text UNIQUE CHECK (length(stripe_subscription_id) <= 255),
    current_period_start   timestamptz,
    current_period_end     timestamptz,
    cancel_at_period_end   boolean NOT NULL DEFAULT false,
    -- When the subscription became past_due: the grace period (Billing:GraceDays) counts from here.
    past_due_since         timestamptz,
    -- The latest invoice whose payment failed and has not been paid since (the banner).
    payment_failed_at      timestamptz,
    -- The Stripe `created` time of the event whose state this row holds: an older event never overwrites it.
    state_event_at         timestamptz,
    updated_at             timestamptz NOT NULL DEFAULT now()
);

-- Counters for the quotas that count questions, one row per tenant, resource and period (a month, or a UTC day).
CREATE TABLE usage_counters (
    tenant_id     uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    resource      text NOT NULL CHECK (resource IN ('questions', 'widgetQuestions')),
    period_start  date NOT NULL,
    used          bigint NOT NULL DEFAULT 0 CHECK (used >= 0),
    PRIMARY KEY (tenant_id, resource, period_start)
);

-- Usage billed by quantity: GPU minutes of fine-tunes and evaluations, and questions beyond the plan where the plan
-- allows overage. The row id is the meter event's identifier, so a report that is retried is counted once by Stripe.
CREATE TABLE metered_usage (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    meter            text NOT NULL CHECK (meter IN ('gpuMinutes', 'questions')),
    quantity         numeric(14, 3) NOT NULL CHECK (quantity > 0),
    source           text CHECK (length(source) <= 200),
    occurred_at      timestamptz NOT NULL DEFAULT now(),
    reported_at      timestamptz,
    report_attempts  integer NOT NULL DEFAULT 0,
    last_error       text CHECK (length(last_error) <= 1000)
);
CREATE INDEX ix_metered_usage_tenant_meter ON metered_usage (tenant_id, meter, occurred_at);
CREATE INDEX ix_metered_usage_unreported ON metered_usage (tenant_id, occurred_at) WHERE reported_at IS NULL;

CREATE TABLE billing_invoices (
    id                  text PRIMARY KEY CHECK (length(id) <= 255),
    tenant_id           uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    status              text NOT NULL CHECK (status IN ('paid', 'payment_failed')),
    amount_due          bigint NOT NULL DEFAULT 0,
    currency            text NOT NULL DEFAULT 'usd' CHECK (length(currency) <= 10),
    hosted_invoice_url  text CHECK (length(hosted_invoice_url) <= 2000),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_billing_invoices_tenant ON billing_invoices (tenant_id, created_at DESC);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tenant_billing', 'usage_counters', 'metered_usage', 'billing_invoices'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_tenant_id()) '
                       'WITH CHECK (tenant_id = current_tenant_id())', t);
    END LOOP;
END $$;

-- Webhook events applied, by Stripe's event id. Only billing_record_event writes it.
CREATE TABLE stripe_events (
    id           text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 255),
    type         text NOT NULL CHECK (length(type) <= 255),
    created_at   timestamptz NOT NULL,
    tenant_id    uuid REFERENCES tenants(id) ON DELETE SET NULL,
    received_at  timestamptz NOT NULL DEFAULT now()
);
-- The web role may read its own tenant's events (row-level security), and writes only through billing_record_event.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON stripe_events FROM portal_app;
ALTER TABLE stripe_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE stripe_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stripe_events USING (tenant_id = current_tenant_id()) WITH CHECK (tenant_id = current_tenant_id());
CREATE POLICY definer_lookup ON stripe_events FOR ALL TO portal_owner USING (true) WITH CHECK (true);

-- Records an event id once. True for the first delivery; false for a replay, which then applies nothing. Called in
-- the transaction that applies the event: concurrent deliveries of one id wait for the first one's commit.
CREATE FUNCTION billing_record_event(p_id text, p_type text, p_created timestamptz, p_tenant_id uuid)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    WITH inserted AS (
        INSERT INTO stripe_events (id, type, created_at, tenant_id) VALUES (p_id, p_type, p_created, p_tenant_id)
        ON CONFLICT (id) DO NOTHING
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM inserted)
$$;

CREATE POLICY definer_lookup ON tenant_billing FOR SELECT TO portal_owner USING (true);
CREATE POLICY definer_lookup ON metered_usage FOR SELECT TO portal_owner USING (true);

-- The tenant a webhook event is about: the tenant id set at checkout (client_reference_id or the subscription's
-- metadata), when such a tenant exists, or else the tenant holding the Stripe customer. No row: no such tenant.
CREATE FUNCTION billing_event_tenant(p_tenant_id uuid, p_customer_id text)
RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT COALESCE(
        (SELECT t.id FROM tenants t WHERE t.id = p_tenant_id),
        (SELECT b.tenant_id FROM tenant_billing b WHERE b.stripe_customer_id = p_customer_id))
$$;

-- The tenants with usage not yet reported to Stripe, for the recurring meter report (which then reads each one's
-- rows in that tenant's own transaction).
CREATE FUNCTION billing_tenants_with_unreported_usage()
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
    SELECT DISTINCT tenant_id FROM metered_usage WHERE reported_at IS NULL
$$;

REVOKE ALL ON FUNCTION billing_record_event(text, text, timestamptz, uuid), billing_event_tenant(uuid, text),
    billing_tenants_with_unreported_usage() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION billing_record_event(text, text, timestamptz, uuid), billing_event_tenant(uuid, text),
    billing_tenants_with_unreported_usage() TO portal_app;
