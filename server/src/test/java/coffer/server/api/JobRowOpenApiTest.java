package coffer.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job's row names the instance it is for (docs/api.md, "Lists"; docs/reliability.md, session 20): the OpenAPI
 * document describes {@code instanceName} on the job, which every job answer and the job list's rows carry.
 */
class JobRowOpenApiTest {
    @Test
    void theJobsInstanceNameIsDescribed() {
        JsonNode job = OpenApi.document().path("components").path("schemas").path("JobView").path("properties");
        JsonNode name = job.path("instanceName");
        assertEquals("string", name.path("type").asText(), job.toString());
        assertTrue(name.path("description").asText().contains("instance"), name.toString());
    }
}
