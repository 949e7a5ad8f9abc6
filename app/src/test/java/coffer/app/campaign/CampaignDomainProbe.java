package coffer.app.campaign;

/** Whether libvirtd answers on {@code qemu:///system}. Stateless. */
final class CampaignDomainProbe {
    private CampaignDomainProbe() {
    }

    static boolean libvirtAnswers() {
        try {
            CampaignDomain.run("virsh", "-c", "qemu:///system", "version");
            return true;
        } catch (Exception | AssertionError e) {
            return false;
        }
    }
}
