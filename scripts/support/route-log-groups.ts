// Where dropped usage events are on AWS: the route functions' log groups of stack MeteredApi-<stage>,
// found from the stack's resources (the route functions' log groups live under the `Routes`
// construct, one `<RouteId>Logs…` per route), and the dropped-event lines in them.
import { type CloudFormationClient, paginateListStackResources } from '@aws-sdk/client-cloudformation';
import { type CloudWatchLogsClient, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { ROUTES } from '../../contracts/routes';
import { USAGE_EVENT_DROPPED } from '../../capabilities/usage/usage-publisher';
import type { TimeWindow } from './dropped-usage-events';

/** The logical-id prefix CDK gives a route function's log group (construct path Routes/<Id>/Logs). */
function logGroupPrefix(routeId: string): string {
  const id = routeId
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join('');
  return `Routes${id}Logs`;
}

export async function routeLogGroups(cloudFormation: CloudFormationClient, stackName: string): Promise<string[]> {
  const prefixes = ROUTES.map((route) => logGroupPrefix(route.id));
  const groups: string[] = [];
  for await (const page of paginateListStackResources({ client: cloudFormation }, { StackName: stackName })) {
    for (const resource of page.StackResourceSummaries ?? []) {
      if (resource.ResourceType !== 'AWS::Logs::LogGroup' || !resource.PhysicalResourceId) continue;
      if (prefixes.some((prefix) => resource.LogicalResourceId?.startsWith(prefix))) groups.push(resource.PhysicalResourceId);
    }
  }
  return groups;
}

/** The messages of the dropped-event lines in those log groups within the window. */
export async function droppedEventLines(logs: CloudWatchLogsClient, logGroups: readonly string[], window: TimeWindow): Promise<string[]> {
  const lines: string[] = [];
  for (const logGroupName of logGroups) {
    const pages = paginateFilterLogEvents(
      { client: logs },
      {
        logGroupName,
        startTime: window.since.getTime(),
        endTime: window.until.getTime(),
        filterPattern: `{ $.message = "${USAGE_EVENT_DROPPED}" }`,
      },
    );
    for await (const page of pages) for (const event of page.events ?? []) if (event.message) lines.push(event.message);
  }
  return lines;
}
