package com.careledger.core;

import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Background jobs of the portal ({@code @Scheduled}): partition upkeep ({@code PartitionUpkeep}) and report refreshes ({@code ReportRefresh}). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class SchedulingConfiguration {
}
