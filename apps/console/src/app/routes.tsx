import { createBrowserRouter, Link } from 'react-router';
import { AuditPage } from '../features/audit/components/audit-page';
import { DeviceDetailPage } from '../features/devices/components/device-detail-page';
import { DevicesPage } from '../features/devices/components/devices-page';
import { KeysPage } from '../features/keys/components/keys-page';
import { OverviewPage } from '../features/overview/components/overview-page';
import { PropagationPage } from '../features/propagation/components/propagation-page';
import { Layout } from './layout';

/** Every screen of the console, in one place. Served under /console by the control plane. */
export const router = createBrowserRouter(
  [
    {
      path: '/',
      element: <Layout />,
      children: [
        { index: true, element: <OverviewPage /> },
        { path: 'devices', element: <DevicesPage /> },
        { path: 'devices/:deviceId', element: <DeviceDetailPage /> },
        { path: 'propagation', element: <PropagationPage /> },
        { path: 'propagation/:position', element: <PropagationPage /> },
        { path: 'audit', element: <AuditPage /> },
        { path: 'keys', element: <KeysPage /> },
        { path: '*', element: <NotFound /> },
      ],
    },
  ],
  { basename: '/console' },
);

function NotFound() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        There is no such screen. <Link to="/">Go to the overview</Link>.
      </p>
    </>
  );
}
