package io.keks.engine.plan;

import java.util.List;

/**
 * What {@link CapacityPlanner} proposes, each choice with its reason in one line.
 *
 * @param volumeType gp3, st1, io2, or nvme (the instance's own storage)
 * @param volumeGib  each broker's volume; for nvme the instance store
 * @param checks     what the plan was checked against, with the figures
 */
public record CapacityPlan(PlanInput input, String prices, int brokers, String instance, String volumeType, long volumeGib, long iops,
                           long throughputMibps, int controllers, String controllerInstance, String controllerVolumeType,
                           long controllerVolumeGib, long controllerIops, boolean autoGrow, List<Check> checks, Cost cost,
                           List<String> reasons, List<String> notes) {

    /** One limit the plan stays within: what each broker needs against what it has. */
    public record Check(String what, double need, double limit, String unit) {
        public int percent() {
            return (int) Math.round(100 * need / limit);
        }
    }

    /** Monthly cost in USD. */
    public record Cost(double brokers, double brokerVolumes, double controllers, double crossZone, double total) {
    }
}
