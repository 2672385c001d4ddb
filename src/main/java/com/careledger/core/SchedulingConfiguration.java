package com.careledger.core;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Background jobs of the portal ({@code @Scheduled}): partition upkeep ({@code PartitionUpkeep}), report refreshes ({@code ReportRefresh}) and audit sealing ({@code AuditSeal}). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfiguration {
}
