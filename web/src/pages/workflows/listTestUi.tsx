// The workflows list as its tests render it: the page beside a probe showing the current URL.
import { useLocation } from "react-router-dom";
import WorkflowsPage from "../WorkflowsPage";

/** Shows the router's path and query (data-testid "location"), for checking filters in the URL. */
export function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
}

export const workflowsPageUi = (
  <>
    <WorkflowsPage />
    <LocationProbe />
  </>
);
