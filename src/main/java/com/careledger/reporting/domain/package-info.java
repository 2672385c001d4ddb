/**
 * Reporting: what the dashboards' charts read. Reconciliation views (caller's rights), materialized views read
 * through context-filtered SECURITY DEFINER functions, health-card analytics with small-number suppression, and the
 * refresh of the materialized views (on a schedule, on demand, after a settlement is paid). See docs/reporting.md.
 */
@NullMarked
package com.careledger.reporting.domain;

import org.jspecify.annotations.NullMarked;
