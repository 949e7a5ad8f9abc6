package coffer.engine.job;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Runs one type of job on a worker thread. Cancellation interrupts that thread; the handler's use case
 * cleans up and throws {@link coffer.engine.error.CofferException} with code Cancelled.
 */
public interface JobHandler {
    /** @return the result stored on the job row (JSON) */
    JsonNode run(Job job, JobContext context) throws Exception;
}
